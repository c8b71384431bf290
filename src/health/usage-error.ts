import { CalsyncError } from '../errors.js';
import { STATUS_EXIT_CODE } from './types.js';

/**
 * A usage error of `calsync health-check`: exit 3 (UNKNOWN), not 2. Nagios
 * and Icinga read exit 2 as CRITICAL, so a typo in a check command would page
 * someone about an outage that is not there.
 */
export class HealthCheckUsageError extends CalsyncError {
  readonly exitCode = STATUS_EXIT_CODE.UNKNOWN;
}
