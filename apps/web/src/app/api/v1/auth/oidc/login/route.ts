import { saveOidcFlow } from '@pgvigil/db/accounts';
import { safeNext } from '@/components/shell/safe-next';
import { digest } from '@/server/auth';
import { isHttps } from '@/server/auth/session-cookie';
import {
  OIDC_BASE_PATH,
  OIDC_COOKIE,
  OIDC_FLOW_TTL_MS,
  oidcSettings,
  startOidcFlow,
} from '@/server/auth/oidc';
import { refusedRedirect } from '@/server/auth/sso-session';
import { db } from '@/server/db';
import { env } from '@/server/env';
import { publicRoute } from '@/server/http';
import { NotFoundError } from '@pgvigil/db';

export const dynamic = 'force-dynamic';

/**
 * Starts a single sign-on: remembers state, nonce and PKCE verifier (the state also in
 * a short-lived cookie, so only this browser can finish it) and redirects to the provider.
 */
export const GET = publicRoute(
  'single sign-on starts before there is a session',
  async (request: Request) => {
    const settings = oidcSettings();
    if (!settings)
      throw new NotFoundError('Single sign-on', 'Set PGVIGIL_OIDC_ISSUER to turn it on.');
    const at = new Date();
    const next = safeNext(new URL(request.url).searchParams.get('next'));
    // The provider returns to the base URL: start there, so the state cookie is on that host.
    const base = new URL(env().PGVIGIL_BASE_URL);
    if (request.headers.get('host') !== base.host) {
      return new Response(null, {
        status: 303,
        headers: {
          location: `${base.origin}${OIDC_BASE_PATH}/login?next=${encodeURIComponent(next)}`,
          'cache-control': 'no-store',
        },
      });
    }
    let flow;
    try {
      flow = await startOidcFlow(settings);
    } catch (err) {
      // fetch fails with a TypeError when the provider cannot be reached; anything else
      // is an answer that did not check out (a wrong issuer in its metadata, say)
      const unreachable = err instanceof TypeError;
      console.error(
        `web: single sign-on cannot start (${unreachable ? 'provider unreachable' : 'provider refused'}):`,
        err instanceof Error ? err.message : err,
      );
      return refusedRedirect(unreachable ? 'unavailable' : 'failed');
    }
    await saveOidcFlow(db(), {
      stateHash: digest(flow.state),
      nonce: flow.nonce,
      codeVerifier: flow.codeVerifier,
      nextPath: next,
      at,
      expiresAt: new Date(at.getTime() + OIDC_FLOW_TTL_MS),
    });
    const cookie = [
      `${OIDC_COOKIE}=${flow.state}`,
      `Path=${OIDC_BASE_PATH}`,
      'HttpOnly',
      // Lax: the provider's redirect back is a top-level GET, which carries it
      'SameSite=Lax',
      `Max-Age=${OIDC_FLOW_TTL_MS / 1000}`,
      ...(isHttps() ? ['Secure'] : []),
    ].join('; ');
    return new Response(null, {
      status: 303,
      headers: { location: flow.url.href, 'set-cookie': cookie, 'cache-control': 'no-store' },
    });
  },
);
