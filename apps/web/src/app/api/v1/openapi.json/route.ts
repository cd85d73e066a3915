import { ENDPOINTS, getOpenApi } from '@/contract';
import { openApiDocument } from '@/contract/openapi';
import { reply } from '@/server/api';
import { withAuth } from '@/server/auth';

export const dynamic = 'force-dynamic';

let document: Record<string, unknown> | undefined;

/** This API as an OpenAPI 3.1 document, generated from the contract (docs/openapi.json is the same). */
export const GET = withAuth('viewer', async () =>
  reply(getOpenApi, (document ??= openApiDocument(ENDPOINTS))),
);
