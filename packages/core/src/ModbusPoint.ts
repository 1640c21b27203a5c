// Modbus meter reads (GET /modbus/{id}); the register set depends on `model` (api-facts: payload shapes).
// Register names keep the meter's spelling (`kWh_Imp`, `_PFa`): never rename them.

interface ModbusBase {
  /** Unix seconds of the read. */
  readonly timestamp: number;
  readonly kVAh: number;
  readonly kWh_Exp: number;
  readonly kWh_Imp: number;
  readonly kWh_Net: number;
  readonly kWh_Tot: number;
  readonly kvarh_Exp: number;
  readonly kvarh_Imp: number;
  readonly kvarh_Net: number;
  readonly kvarh_Tot: number;
  readonly [key: string]: unknown;
}

/**
 * A read from a PMC-340B three-phase meter: per-phase current, power factor and voltage, plus four-quadrant
 * reactive energy.
 *
 * @category models
 */
export interface ModbusPointPMC340B extends ModbusBase {
  readonly model: "PMC-340B";
  readonly _Ia: number;
  readonly _Ib: number;
  readonly _Ic: number;
  readonly _PFa: number;
  readonly _PFb: number;
  readonly _PFc: number;
  readonly _Uan: number;
  readonly _Ubn: number;
  readonly _Ucn: number;
  readonly kvarh_Q1: number;
  readonly kvarh_Q2: number;
  readonly kvarh_Q3: number;
  readonly kvarh_Q4: number;
}

/**
 * A read from a PMC-220 single-phase meter.
 *
 * @category models
 */
export interface ModbusPointPMC220 extends ModbusBase {
  readonly model: "PMC-220";
  readonly _I: number;
  readonly _PF: number;
  readonly _V: number;
}

/**
 * A Modbus meter read, discriminated on `model`.
 *
 * @category models
 */
export type ModbusPoint = ModbusPointPMC340B | ModbusPointPMC220;

/**
 * The Modbus meter models the contract describes.
 *
 * @category models
 */
export type ModbusModel = ModbusPoint["model"];
