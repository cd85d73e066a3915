// A real OpenID provider (oidc-provider) on a loopback port for the single sign-on
// tests, behind a small front door that can tamper with what it forwards.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export type IdpAccount = { username: string; groups: string[] };
/** `tamper`: the token endpoint's ID token gets an admin group, its signature kept */
export type FrontDoorMode = 'pass' | 'tamper';

export interface TestIdp {
  /** the provider's issuer: the front door's address */
  issuer: string;
  /** the provider itself, which says its issuer is the front door's: a wrong issuer */
  direct: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, IdpAccount>;
  mode: { current: FrontDoorMode };
  close(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function tamperIdToken(body: string): string {
  const json = JSON.parse(body) as { id_token?: string };
  const [header, payload, signature] = (json.id_token ?? '').split('.');
  if (!payload) return body;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
    string,
    unknown
  >;
  claims.groups = ['pgvigil-admins'];
  json.id_token = [
    header,
    Buffer.from(JSON.stringify(claims)).toString('base64url'),
    signature,
  ].join('.');
  return JSON.stringify(json);
}

/** Starts the provider with one confidential client whose redirect is `pgvigilBase`'s callback. */
export async function startIdp(pgvigilBase: string): Promise<TestIdp> {
  let target = 0;
  const mode = { current: 'pass' as FrontDoorMode };
  // the front door forwards every request to the provider, rewriting one answer in `tamper` mode
  const front = createServer((req, res) => {
    const upstream = httpRequest(
      { host: '127.0.0.1', port: target, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          let body = Buffer.concat(chunks);
          if (
            mode.current === 'tamper' &&
            req.url?.startsWith('/token') &&
            answer.statusCode === 200
          )
            body = Buffer.from(tamperIdToken(body.toString()));
          const headers = { ...answer.headers, 'content-length': String(body.length) };
          delete headers['transfer-encoding'];
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(body);
        });
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  const frontPort = await listen(front);
  const issuer = `http://127.0.0.1:${frontPort}`;
  const accounts = new Map<string, IdpAccount>();
  const clientId = 'pgvigil';
  const clientSecret = 'a-client-secret-of-enough-length-for-hs256';
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [`${pgvigilBase}/api/v1/auth/oidc/callback`],
        post_logout_redirect_uris: [`${pgvigilBase}/login`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], profile: ['preferred_username'], groups: ['groups'] },
    // the groups travel in the ID token, where pgvigil reads them
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    cookies: { keys: ['test-cookie-key-one'] },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 600,
      IdToken: 600,
      Interaction: 600,
      Session: 600,
    },
    findAccount: (_ctx, sub) => {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return Promise.resolve({
        accountId: sub,
        claims: () => ({ sub, preferred_username: account.username, groups: account.groups }),
      });
    },
    // a first-party client: consent is implied, only the sign-in form is shown
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client!.clientId,
        accountId: ctx.oidc.session!.accountId!,
      });
      grant.addOIDCScope('openid profile email groups');
      await grant.save();
      return grant;
    },
  });
  const handle = provider.callback();
  const inner = createServer((req, res) => void handle(req, res));
  target = await listen(inner);
  const close = (s: Server) =>
    new Promise<void>((resolve) => {
      s.closeAllConnections();
      s.close(() => resolve());
    });
  return {
    issuer,
    direct: `http://127.0.0.1:${target}`,
    clientId,
    clientSecret,
    accounts,
    mode,
    close: () => Promise.all([close(front), close(inner)]).then(() => undefined),
  };
}
