// `npm run docs:api`: regenerates docs/openapi.json and the route tables of docs/api.md.
import { writeFile } from 'node:fs/promises';
import { API_DOC_FILE, apiDocText, OPENAPI_FILE, openApiText } from './api-docs';

await writeFile(OPENAPI_FILE, await openApiText());
await writeFile(API_DOC_FILE, await apiDocText());
console.log(`wrote ${OPENAPI_FILE} and ${API_DOC_FILE}`);
