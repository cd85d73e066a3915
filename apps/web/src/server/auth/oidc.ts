// OpenID Connect sign-in: authorization code with PKCE, state and nonce, through
// openid-client. The provider is discovered once per process (a failed discovery is
// retried on the next sign-in); ID token signatures are always checked, even though
// the token arrives straight from the token endpoint.
import * as client from 'openid-client';
import { env } from '@/server/env';

export const OIDC_COOKIE = 'pgvigil_oidc';
export const OIDC_BASE_PATH = '/api/v1/auth/oidc';
/** How long a user may take at the provider before the sign-in must start again. */
export const OIDC_FLOW_TTL_MS = 10 * 60 * 1000;

export type OidcSettings = {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  scopes: string;
  usernameClaim: string;
  groupsClaim: string;
  redirectUri: string;
  afterLogoutUri: string;
};

/** The OIDC settings, or null when PGVIGIL_OIDC_ISSUER is not set. */
export function oidcSettings(): OidcSettings | null {
  const e = env();
  if (!e.PGVIGIL_OIDC_ISSUER || !e.PGVIGIL_OIDC_CLIENT_ID) return null;
  const base = e.PGVIGIL_BASE_URL.replace(/\/+$/, '');
  return {
    issuer: e.PGVIGIL_OIDC_ISSUER,
    clientId: e.PGVIGIL_OIDC_CLIENT_ID,
    clientSecret: e.PGVIGIL_OIDC_CLIENT_SECRET,
    scopes: e.PGVIGIL_OIDC_SCOPES,
    usernameClaim: e.PGVIGIL_OIDC_USERNAME_CLAIM,
    groupsClaim: e.PGVIGIL_OIDC_GROUPS_CLAIM,
    redirectUri: `${base}${OIDC_BASE_PATH}/callback`,
    afterLogoutUri: `${base}/login`,
  };
}

const configurations = new Map<string, Promise<client.Configuration>>();

/** The provider's configuration, discovered from `<issuer>/.well-known/openid-configuration`. */
export function providerConfiguration(s: OidcSettings): Promise<client.Configuration> {
  const key = `${s.issuer}\n${s.clientId}`;
  let found = configurations.get(key);
  if (!found) {
    // env validation allows plain http only for a provider on this machine (tests)
    const insecure = new URL(s.issuer).protocol === 'http:';
    found = client
      .discovery(
        new URL(s.issuer),
        s.clientId,
        undefined,
        s.clientSecret ? client.ClientSecretBasic(s.clientSecret) : client.None(),
        {
          timeout: 10,
          execute: [
            client.enableNonRepudiationChecks,
            ...(insecure ? [client.allowInsecureRequests] : []),
          ],
        },
      )
      .catch((err: unknown) => {
        configurations.delete(key);
        throw err;
      });
    configurations.set(key, found);
  }
  return found;
}

export type StartedFlow = { url: URL; state: string; nonce: string; codeVerifier: string };

/** Where to send the browser, with the secrets the callback will check. */
export async function startOidcFlow(s: OidcSettings): Promise<StartedFlow> {
  const config = await providerConfiguration(s);
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: s.redirectUri,
    scope: s.scopes,
    response_type: 'code',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { url, state, nonce, codeVerifier };
}

/**
 * Redeems the code the provider returned; throws unless the state, the PKCE verifier,
 * the issuer, the audience, the nonce and the ID token's signature all check out.
 */
export async function finishOidcFlow(
  s: OidcSettings,
  search: string,
  checks: { state: string; nonce: string; codeVerifier: string },
): Promise<Record<string, unknown>> {
  const config = await providerConfiguration(s);
  // the address the provider redirected to, from the configured base URL, never from Host
  const current = new URL(`${s.redirectUri}${search}`);
  const tokens = await client.authorizationCodeGrant(config, current, {
    pkceCodeVerifier: checks.codeVerifier,
    expectedState: checks.state,
    expectedNonce: checks.nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  if (!claims) throw new Error('The provider returned no ID token.');
  return claims as Record<string, unknown>;
}

/** The provider's sign-out address for a session that OIDC started, when it has one. */
export async function endSessionUrl(s: OidcSettings): Promise<string | null> {
  const config = await providerConfiguration(s);
  if (!config.serverMetadata().end_session_endpoint) return null;
  return client.buildEndSessionUrl(config, { post_logout_redirect_uri: s.afterLogoutUri }).href;
}
