// The OAuth 1.0a client library: what a TypeScript application needs to reach Tessera (or Jira) through an
// application link.
export { OAuthClient, OAuthClientError } from './oauth-client.js';
export type { AccessToken, ClientRequest, ClientResponse, OAuthClientOptions, ProblemReport, RequestToken, TokenPair } from './oauth-client.js';
export type { SignatureMethod } from '../protocol/oauth1/signature.js';
