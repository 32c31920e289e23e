import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { ScimError } from '../scim/errors';
import type { TenantRecord } from '../tenancy/tenant';
import type { logger } from './logger';

/**
 * What the SCIM chain's middlewares hand on, in the order they run. It rides on the Lambda context
 * (as middy's secrets-manager `setToContext` does), the one object both middlewares and the handler
 * receive, so state has one path: a middleware writes, later steps read.
 */
export interface ChainState {
  /** performance.now() when the request entered the chain (requestLog). */
  started?: number;
  /** The request's child logger, carrying operation, tenant, request and correlation ids (requestLog). */
  log?: typeof logger;
  /** The caller's tenant, set once authenticated or (IAM routes) loaded (authenticate, loadTenant). */
  tenant?: TenantRecord;
  /** The parsed JSON body of a route that takes one (jsonBody). */
  body?: unknown;
  /** Set once a store write resolved: the commit wrote its own log entry, so no failure entry follows (guardCommits). */
  committed?: boolean;
  /** The SCIM error the client was answered with, once scimErrors mapped a failure. */
  failure?: ScimError;
}

/** The Lambda context with the chain's state on it. */
export interface ScimContext extends Context {
  scimChain?: ChainState;
}

/** One middleware of the SCIM request chain. */
export type ScimMiddleware = MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ScimContext>;

/** The chain state of a request, created empty if no earlier middleware did. */
export function chainOf(context: ScimContext): ChainState {
  context.scimChain ??= {};
  return context.scimChain;
}
