/**
 * @module config/schema-operations
 *
 * The `Operations` part of the DiracX configuration (one entry per VO: job
 * description limits, service settings, input-data policy, and free-form
 * sections), and the step that merges `Operations.Defaults` into every VO's
 * entry before validation, exactly as upstream's `Config` model validator
 * does. Keys are the YAML/wire names. Web-standard JS only.
 */
import { z } from 'zod';
import { isPlainObject, optionalAnyMapping, pyBool, pyInt, pyStr, strList } from './schema-primitives.ts';

/** `Operations.<vo>.JobDescription`: defaults and limits applied to submitted jobs. */
export const JobDescriptionConfigSchema = z.strictObject({
  DefaultCPUTime: pyInt.default(86400),
  DefaultPriority: pyInt.default(1),
  MinCPUTime: pyInt.default(100),
  MinPriority: pyInt.default(0),
  MaxCPUTime: pyInt.default(500000),
  MaxPriority: pyInt.default(10),
  MaxInputData: pyInt.default(100),
  AllowedJobTypes: strList.default(() => ['User', 'Test', 'Hospital']),
});
export type JobDescriptionConfig = z.output<typeof JobDescriptionConfigSchema>;

/** `Operations.<vo>.Services.JobMonitoring`. */
export const JobMonitoringConfigSchema = z.strictObject({
  GlobalJobsInfo: pyBool.default(true),
});

/** `Operations.<vo>.Services.JobScheduling`. */
export const JobSchedulingConfigSchema = z.strictObject({
  EnableSharesCorrection: pyBool.default(false),
  MaxRescheduling: pyInt.default(3),
});

/** `Operations.<vo>.Services`. */
export const ServicesConfigSchema = z.strictObject({
  Catalogs: optionalAnyMapping,
  JobMonitoring: JobMonitoringConfigSchema.prefault(() => ({})),
  JobScheduling: JobSchedulingConfigSchema.prefault(() => ({})),
});
export type ServicesConfig = z.output<typeof ServicesConfigSchema>;

/** `Operations.<vo>.InputDataPolicy.Protocols`. */
export const InputDataPolicyProtocolsConfigSchema = z.strictObject({
  Remote: strList.default(() => []),
  Local: strList.default(() => []),
});

/** `Operations.<vo>.InputDataPolicy`; unknown keys are dropped (upstream: extra="ignore"). */
export const InputDataPolicyConfigSchema = z.object({
  // Upstream's default really contains the "Default = " prefix.
  Default: pyStr.default('Default = DIRAC.WorkloadManagementSystem.Client.InputDataByProtocol'),
  Download: pyStr.default('DIRAC.WorkloadManagementSystem.Client.DownloadInputData'),
  Protocol: pyStr.default('DIRAC.WorkloadManagementSystem.Client.InputDataByProtocol'),
  AllReplicas: pyBool.default(true),
  Protocols: InputDataPolicyProtocolsConfigSchema.prefault(() => ({})),
  InputDataModule: pyStr.default('DIRAC.Core.Utilities.InputDataResolution'),
});

/** One VO's operations settings (`Operations.<vo>`). */
export const OperationsConfigSchema = z.strictObject({
  EnableSecurityLogging: pyBool.default(false),
  InputDataPolicy: InputDataPolicyConfigSchema.prefault(() => ({})),
  JobDescription: JobDescriptionConfigSchema.prefault(() => ({})),
  Services: ServicesConfigSchema.prefault(() => ({})),
  SoftwareDistModule: pyStr.default('LocalSoftwareDist'),
  // Free-form sections: any mapping, or null when absent.
  Cloud: optionalAnyMapping,
  DataConsistency: optionalAnyMapping,
  DataManagement: optionalAnyMapping,
  EMail: optionalAnyMapping,
  GaudiExecution: optionalAnyMapping,
  Hospital: optionalAnyMapping,
  JobScheduling: optionalAnyMapping,
  JobTypeMapping: optionalAnyMapping,
  LogFiles: optionalAnyMapping,
  LogStorage: optionalAnyMapping,
  Logging: optionalAnyMapping,
  Matching: optionalAnyMapping,
  MonitoringBackends: optionalAnyMapping,
  NagiosConnector: optionalAnyMapping,
  Pilot: optionalAnyMapping,
  Productions: optionalAnyMapping,
  Shares: optionalAnyMapping,
  Shifter: optionalAnyMapping,
  SiteSEMappingByProtocol: optionalAnyMapping,
  TransformationPlugins: optionalAnyMapping,
  Transformations: optionalAnyMapping,
  ResourceStatus: optionalAnyMapping,
});
export type OperationsConfig = z.output<typeof OperationsConfigSchema>;

/**
 * Merge `override` onto `base`: mappings merge key by key (recursively);
 * otherwise `override` wins unless it is null/undefined. Inputs are not
 * modified.
 */
export function recursiveMerge(base: unknown, override: unknown): unknown {
  if (isPlainObject(base) && isPlainObject(override)) {
    const merged: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(base)) {
      merged[key] = Object.hasOwn(override, key) ? recursiveMerge(value, override[key]) : value;
    }
    for (const [key, value] of Object.entries(override)) {
      if (!Object.hasOwn(merged, key)) merged[key] = value;
    }
    return merged;
  }
  return override ?? base;
}

/**
 * Upstream's pre-validation step on the raw config: `Operations` defaults to
 * `{}`, its `Defaults` entry is removed and merged under every Registry VO's
 * entry (created if missing). Non-VO entries are left as they are. Returns a
 * new object; anything that is not a mapping is returned untouched so that
 * validation reports it.
 */
export function applyOperationsDefaults(raw: unknown): unknown {
  if (!isPlainObject(raw)) return raw;
  const operations = raw.Operations === undefined ? {} : raw.Operations;
  if (!isPlainObject(operations)) return raw;
  const merged: Record<string, unknown> = { ...operations };
  const defaults = Object.hasOwn(merged, 'Defaults') ? merged.Defaults : {};
  delete merged.Defaults;
  if (isPlainObject(raw.Registry)) {
    for (const vo of Object.keys(raw.Registry)) {
      merged[vo] = recursiveMerge(defaults, Object.hasOwn(merged, vo) ? merged[vo] : {});
    }
  }
  return { ...raw, Operations: merged };
}
