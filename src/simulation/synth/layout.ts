/** What each synthetic repository size looks like. Pure data, shared by the generator and the payload templates. */
import type { RepoSize } from '../../pipeline/failure.js';

export const ORG = 'acme';
export const ACCOUNT_ID = '493817265041';
export const REGION = 'us-east-1';

export interface SizeLayout {
  /** Target number of `resource` blocks in the whole repository (the generator lands within a few blocks). */
  goal: number;
  /** Targets per kind (S3 bucket, IAM role, security group, RDS instance). */
  targetsPerKind: number;
  /** One module folder per team, `modules/<team>`, called from the root as `module "<team>"`. */
  teams: readonly string[];
  /** Medium and large repositories take their network from `modules/vpc`; small declares a VPC at the root. */
  vpcModule: boolean;
  /** Share of filler bundles placed at the root (the rest go to team modules). */
  rootShare: number;
}

export const LAYOUTS: Readonly<Record<RepoSize, SizeLayout>> = {
  small: { goal: 10, targetsPerKind: 2, teams: ['data'], vpcModule: false, rootShare: 1 },
  medium: {
    goal: 100,
    targetsPerKind: 10,
    teams: ['payments', 'search', 'identity'],
    vpcModule: true,
    rootShare: 0.5,
  },
  large: {
    goal: 1000,
    targetsPerKind: 40,
    teams: [
      'payments',
      'search',
      'identity',
      'analytics',
      'billing',
      'platform',
      'mobile',
      'growth',
      'ledger',
      'fraud',
      'catalog',
      'shipping',
    ],
    vpcModule: true,
    rootShare: 0.5,
  },
};

/** The digit every security group id of a size starts with, so an id never exists in two sizes. */
export const SIZE_DIGIT: Readonly<Record<RepoSize, string>> = { small: '1', medium: '2', large: '3' };
