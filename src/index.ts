/**
 * What a project imports from the `authstack` package: the types of its route handlers (the REST API's Lambda
 * proxy event, with the Cognito authorizer's claims as API Gateway passes them: every value a string) and
 * `defineConfig`, which types an `authstack.config.json` object in code (a script that writes it, a test). The
 * package's `index.d.ts` declares the same types for an installed package; a test keeps the two the same.
 */
import type { ProxyEvent, ProxyResult, LambdaContext } from './lambda/types.js';
import type { RouteAccessSetting, RouteSettings, ResourceServerSettings } from './core/routes.js';
import type { StackSettings } from './core/stack-model.js';

/** The claims of the token API Gateway's Cognito authorizer admitted, flattened to strings (`cognito:groups`: "a,b"). */
export type AuthorizerClaims = Readonly<Record<string, string>>;

/** The event a route's handler receives: the proxy event, with `requestContext.authorizer.claims` on protected routes. */
export type RouteEvent = Omit<ProxyEvent, 'requestContext'> & {
  requestContext: ProxyEvent['requestContext'] & { authorizer: { claims: AuthorizerClaims } | null | undefined };
};

/** What a route's handler returns: status, headers and body (a string). */
export type RouteResult = ProxyResult;

/** A route's handler, as `"handler": "api/notes.ts#get"` names it. */
export type RouteHandler = (event: RouteEvent, context: LambdaContext) => Promise<RouteResult>;

/** The contents of authstack.config.json. */
export type AuthstackConfig = StackSettings & { $schema?: string };

export type { RouteAccessSetting as RouteAccess, RouteSettings as RouteConfig, ResourceServerSettings as ResourceServerConfig };

export type {
  ClaimValue,
  CustomMessageEvent,
  PostAuthenticationEvent,
  PostConfirmationEvent,
  PreAuthenticationEvent,
  PreSignUpEvent,
  PreTokenGenerationV2Event,
  TriggerEventBase,
  TriggerHandler,
} from './runtime/trigger-events.js';
export type { TriggerName, TriggerSettings as TriggersConfig } from './core/triggers.js';

/** Types a configuration object (editor completion and errors); returns it unchanged. */
export function defineConfig(config: AuthstackConfig): AuthstackConfig {
  return config;
}
