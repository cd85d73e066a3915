import { takeOidcFlow } from '@pgvigil/db/accounts';
import { digest, requestIp } from '@/server/auth';
import { readCookie } from '@/server/auth/authenticate';
import { finishOidcFlow, OIDC_BASE_PATH, OIDC_COOKIE, oidcSettings } from '@/server/auth/oidc';
import { isHttps } from '@/server/auth/session-cookie';
import { groupList } from '@/server/auth/sso';
import {
  redirectTo,
  refusedRedirect,
  SsoRefused,
  startSsoSession,
} from '@/server/auth/sso-session';
import { db } from '@/server/db';
import { publicRoute } from '@/server/http';
import { NotFoundError } from '@pgvigil/db';

export const dynamic = 'force-dynamic';

const clearFlowCookie = () =>
  [
    `${OIDC_COOKIE}=`,
    `Path=${OIDC_BASE_PATH}`,
    'HttpOnly',
    'SameSite=Lax',
    'Max-Age=0',
    ...(isHttps() ? ['Secure'] : []),
  ].join('; ');

/**
 * Where the provider sends the browser back: the state must match this browser's
 * cookie and a pending sign-in (used once), then the code is redeemed and the ID
 * token checked (issuer, audience, nonce, signature) before any session starts.
 */
export const GET = publicRoute(
  'the provider returns here before there is a session',
  async (request: Request) => {
    const settings = oidcSettings();
    if (!settings)
      throw new NotFoundError('Single sign-on', 'Set PGVIGIL_OIDC_ISSUER to turn it on.');
    const at = new Date();
    const url = new URL(request.url);
    const state = url.searchParams.get('state') ?? '';
    const cookieState = readCookie(request.headers.get('cookie'), OIDC_COOKIE) ?? '';
    const cleared = [clearFlowCookie()];
    if (!state || state.length > 200 || state !== cookieState)
      return refusedRedirect('failed', cleared);
    const flow = await takeOidcFlow(db(), digest(state), at);
    if (!flow) return refusedRedirect('failed', cleared);
    const ip = requestIp(request);
    try {
      const claims = await finishOidcFlow(settings, url.search, { ...flow, state });
      const session = await startSsoSession(
        request,
        {
          source: 'oidc',
          externalId: String(claims.sub),
          name: claims[settings.usernameClaim] ?? claims.email,
          groups: groupList(claims[settings.groupsClaim]),
        },
        at,
        ip,
      );
      return redirectTo(flow.nextPath, [...cleared, session]);
    } catch (err) {
      if (err instanceof SsoRefused) return refusedRedirect(err.reason, cleared);
      // openid-client's errors name the check that failed; they carry no secret
      console.error('web: single sign-on refused:', err instanceof Error ? err.message : err);
      return refusedRedirect('failed', cleared);
    }
  },
);
