export { makeEnergyStore, parseStoreUrl } from "./EnergyStore.js";
export type { EnergyStore, StoreLocation, StoreOptions } from "./EnergyStore.js";
export { openStore } from "./openStore.js";
export type { SinkOptions, Store, StoreSink } from "./openStore.js";
export { InvalidStoreUrlError, SchemaTooNewError, StoreUnavailableError, StoreWriteError } from "./StoreError.js";
export type { StoreError } from "./StoreError.js";
export type { AnomalyEvent, StorableEvent, WriteResult } from "./StoreEvent.js";
export { SCHEMA_VERSION } from "./internal/schema.js";
