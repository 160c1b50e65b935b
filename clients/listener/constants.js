// @ts-check
// Limits the server enforces too (docs/protocol.md), and the professions the join form suggests.

export const LIMITS = { note: 4000, question: 1000, name: 60, discipline: 80 };

export const DISCIPLINE_KEYS = [
  'arts', 'verpleegkundige', 'psycholoog', 'pedagogisch', 'maatschappelijk', 'kinderarts',
  'gedragswetenschapper', 'jeugdzorgwerker', 'zorgcoordinator', 'beleid', 'manager', 'ondersteuning',
];
