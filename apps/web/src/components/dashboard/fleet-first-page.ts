/**
 * The fleet list as it first shows: the fleet page reads this page while rendering and
 * hands it to the table, so the servers arrive with the document.
 */
export const FLEET_PAGE_SIZE = 50;
export const FLEET_FIRST_PAGE = {
  sort: 'severity',
  dir: 'desc',
  limit: FLEET_PAGE_SIZE,
} as const;
