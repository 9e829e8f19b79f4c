/** Failures of the local stack that the CLI turns into one line of advice, and the server start/stop that raises them. */

export class PortInUseError extends Error {
  readonly code = 'PORT_IN_USE' as const;

  constructor(
    readonly port: number,
    /** Which server wanted it: the local API or the local Cognito. */
    readonly service: 'api' | 'cognito',
  ) {
    super(`Port ${port} (${service === 'api' ? 'local API' : 'local Cognito'}) is already in use`);
    this.name = 'PortInUseError';
  }
}

/** The handler bundle could not be loaded (missing file, syntax error, no `handler` export). */
export class HandlerLoadError extends Error {
  readonly code = 'HANDLER_LOAD_FAILED' as const;

  constructor(
    readonly bundlePath: string,
    reason: string,
  ) {
    super(`Could not load the handler from ${bundlePath}: ${reason}`);
    this.name = 'HandlerLoadError';
  }
}

/** Listens on host:port, turning EADDRINUSE into a PortInUseError. */
export function listen(server: import('node:net').Server, port: number, host: string, service: 'api' | 'cognito'): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, service) : error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Stops accepting and closes every open connection (keep-alive ones would hold `close` open); resolves once closed. */
export function closeServer(server: import('node:http').Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
