/** The filler catalogue: which bundles the generator draws from, how often, and the words names are built from. */
import type { Bundle } from './bundle.js';
import { lambdaBundle, registryBundle, taskRoleBundle } from './fillers-compute.js';
import {
  alarmBundle,
  databaseBundle,
  queueBundle,
  serviceGroupBundle,
  topicBundle,
} from './fillers-network.js';
import { bucketBundle, keyBundle, secretBundle, tableBundle } from './fillers-storage.js';

/** Weights favour buckets and IAM, as in most AWS estates; the large root s3.tf and iam.tf end up with 100+ blocks. */
export const FILLER_WEIGHTS: readonly (readonly [Bundle, number])[] = [
  [bucketBundle, 4],
  [lambdaBundle, 3],
  [taskRoleBundle, 3],
  [queueBundle, 2],
  [serviceGroupBundle, 2],
  [tableBundle, 2],
  [topicBundle, 1],
  [keyBundle, 1],
  [alarmBundle, 2],
  [databaseBundle, 1],
  [registryBundle, 1],
  [secretBundle, 1],
];

/** Business nouns for filler names; repeated words get a numeric suffix. */
export const WORDS: readonly string[] = [
  'orders',
  'invoices',
  'events',
  'audit',
  'checkout',
  'catalog',
  'inventory',
  'shipments',
  'profiles',
  'payouts',
  'notifications',
  'sessions',
  'metrics',
  'media',
  'refunds',
  'quotes',
  'pricing',
  'reviews',
  'carts',
  'webhooks',
  'ingest',
  'reconcile',
  'ledger_sync',
  'search_index',
  'thumbnails',
  'emails',
  'geo',
  'risk',
  'kyc',
  'loyalty',
];
