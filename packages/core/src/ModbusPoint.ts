// Modbus meter reads (GET /modbus/{id}); the register set depends on `model` (api-facts: payload shapes).
// Register names keep the meter's spelling (`kWh_Imp`, `_PFa`): never rename them. Only `timestamp` is certain:
// the contract requires no property and the API omits a property with no value, so every register is optional.

interface ModbusBase {
  /** Unix seconds of the read: finite (transport refuses Infinity); a fractional or negative one is possible off the wire. */
  readonly timestamp: number;
  readonly kVAh?: number;
  readonly kWh_Exp?: number;
  readonly kWh_Imp?: number;
  readonly kWh_Net?: number;
  readonly kWh_Tot?: number;
  readonly kvarh_Exp?: number;
  readonly kvarh_Imp?: number;
  readonly kvarh_Net?: number;
  readonly kvarh_Tot?: number;
  readonly [key: string]: unknown;
}

interface PMC340BRegisters {
  readonly _Ia?: number;
  readonly _Ib?: number;
  readonly _Ic?: number;
  readonly _PFa?: number;
  readonly _PFb?: number;
  readonly _PFc?: number;
  readonly _Uan?: number;
  readonly _Ubn?: number;
  readonly _Ucn?: number;
  readonly kvarh_Q1?: number;
  readonly kvarh_Q2?: number;
  readonly kvarh_Q3?: number;
  readonly kvarh_Q4?: number;
}

interface PMC220Registers {
  readonly _I?: number;
  readonly _PF?: number;
  readonly _V?: number;
}

/**
 * A read from a PMC-340B three-phase meter: per-phase current, power factor and voltage, plus four-quadrant
 * reactive energy.
 *
 * @category models
 */
export interface ModbusPointPMC340B extends ModbusBase, PMC340BRegisters {
  readonly model: "PMC-340B";
}

/**
 * A read from a PMC-220 single-phase meter.
 *
 * @category models
 */
export interface ModbusPointPMC220 extends ModbusBase, PMC220Registers {
  readonly model: "PMC-220";
}

/**
 * A read whose `model` is absent or one the contract does not describe (new meters appear over time): every
 * register either known model has may be present, each a number when it is.
 *
 * @example
 * ```ts
 * import type { ModbusPoint } from "@wattstream/core";
 * const volts = (p: ModbusPoint) => (p.model === "PMC-340B" ? p._Uan : p._V);
 * ```
 * @category models
 */
export interface ModbusPointOtherModel extends ModbusBase, PMC340BRegisters, PMC220Registers {
  /** Absent, or a model other than `PMC-340B` and `PMC-220`. */
  readonly model?: string;
}

/**
 * A Modbus meter read, discriminated on `model` where it names a known meter.
 *
 * @category models
 */
export type ModbusPoint = ModbusPointPMC340B | ModbusPointPMC220 | ModbusPointOtherModel;

/**
 * The Modbus meter models the contract describes.
 *
 * @category models
 */
export type ModbusModel = "PMC-340B" | "PMC-220";
