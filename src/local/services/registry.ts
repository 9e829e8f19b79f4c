/**
 * The local stack's services, in start order (each after what it `needs`); they stop in reverse. Adding a service
 * is a folder beside these and a line here.
 */
import { cognitoService } from './cognito/index.js';
import { consoleService } from './console/index.js';
import { functionsService } from './functions/index.js';
import { gatewayService } from './gateway/index.js';
import { mailboxService } from './mailbox/index.js';
import { oauthService } from './oauth/index.js';
import { triggersService } from './triggers/index.js';
import { storageService } from './storage/index.js';
import type { LocalService } from './types.js';

export const SERVICES: readonly LocalService[] = [
  mailboxService, // the pool's messages, on disk
  cognitoService, // the user pool and app client
  oauthService, // the hosted sign-in, on the pool's port
  storageService, // the pictures bucket, its CDN path and processing (pictures on)
  functionsService, // the model's functions, each in workers of its own
  triggersService, // the project's Cognito triggers → the functions
  gatewayService, // the model's routes → the functions
  consoleService, // users, mailbox, requests, panels
];
