/**
 * `next` values that must never take a signed-in user off the site: protocol-relative,
 * backslash, whitespace and control characters browsers drop, schemes, encodings.
 * Shared by the unit test and the Chromium test (e2e/tests/security.spec.ts).
 */
export const OPEN_REDIRECT_PAYLOADS = [
  '//evil.example',
  '///evil.example',
  '////evil.example/',
  '/%09/evil.example',
  '/\t/evil.example',
  '/%0a/evil.example',
  '/%0d/evil.example',
  '/\n/evil.example',
  '/%5cevil.example',
  '/\\evil.example',
  '\\\\evil.example',
  '/\\/evil.example',
  'https:evil.example',
  'https://evil.example',
  'http:/\\/evil.example',
  '//evil.example/%2e%2e',
  '/%2F%2Fevil.example',
  '/%2f/evil.example',
  ' //evil.example',
  '%20//evil.example',
  '/%E3%80%80/evil.example',
  'javascript:alert(document.domain)',
  'data:text/html,<script>alert(1)</script>',
  '//evil.example@pgvigil.test',
  '/%00/evil.example',
];
