import { NotFoundError } from '@pgvigil/db';
import { safeNext } from '@/components/shell/safe-next';
import { requestIp, UnauthorizedError } from '@/server/auth';
import { PEER_HEADER, peerHeaderTrusted } from '@/server/auth/peer';
import { addressMatcher, groupList } from '@/server/auth/sso';
import {
  redirectTo,
  refusedRedirect,
  SsoRefused,
  startSsoSession,
} from '@/server/auth/sso-session';
import { env } from '@/server/env';
import { publicRoute } from '@/server/http';

export const dynamic = 'force-dynamic';

/**
 * Trusted-header sign-in behind an authenticating proxy: the user name in
 * PGVIGIL_AUTH_PROXY_HEADER is believed only when the connection itself comes from
 * one of PGVIGIL_AUTH_PROXY_ADDRESSES (the socket's peer, never X-Forwarded-For).
 */
export const GET = publicRoute(
  'the authenticating proxy vouches for the caller',
  async (request: Request) => {
    const e = env();
    if (!e.PGVIGIL_AUTH_PROXY_HEADER)
      throw new NotFoundError('Proxy sign-in', 'Set PGVIGIL_AUTH_PROXY_HEADER to turn it on.');
    const peer = peerHeaderTrusted() ? request.headers.get(PEER_HEADER) : null;
    const name = request.headers.get(e.PGVIGIL_AUTH_PROXY_HEADER)?.trim();
    if (!peer || !addressMatcher(e.PGVIGIL_AUTH_PROXY_ADDRESSES)(peer) || !name)
      throw new UnauthorizedError('This request did not come through the authenticating proxy.');
    const groupsHeader = e.PGVIGIL_AUTH_PROXY_GROUPS_HEADER;
    try {
      const session = await startSsoSession(
        request,
        {
          source: 'proxy',
          externalId: name.slice(0, 500),
          name,
          groups: groupList(groupsHeader ? request.headers.get(groupsHeader) : null),
        },
        new Date(),
        requestIp(request),
      );
      return redirectTo(safeNext(new URL(request.url).searchParams.get('next')), [session]);
    } catch (err) {
      if (err instanceof SsoRefused) return refusedRedirect(err.reason);
      throw err;
    }
  },
);
