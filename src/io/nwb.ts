import { toMillivolts, toPicoamperes } from './recorded.ts';

/** One current-clamp sweep of an NWB file, in physical units (mV, pA, ms). */
export interface NwbSweep {
  /** The acquisition series' name (`ic__Step__3`, `data_00003_AD0`). */
  name: string;
  protocol: string;
  v: Float64Array;
  /** From the paired stimulus series; undefined when there is none. */
  I?: Float64Array;
  stimulusName?: string;
  sampleDt: number;
  /** starting_time of the series (ms from the session start). */
  startingTime: number;
  sweepNumber?: number;
}

export interface NwbFile {
  nwbVersion: string;
  /** 'icephys-tables' or 'sweep-number' or 'name': how the sweeps were ordered. */
  order: 'icephys-tables' | 'sweep-number' | 'name';
  sweeps: NwbSweep[];
  /** Series of other kinds (voltage clamp, ...), not read. */
  skipped: string[];
}

const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** True when the bytes start as an HDF5 file (NWB 2 is HDF5). */
export function isHdf5(bytes: Uint8Array): boolean {
  return HDF5_MAGIC.every((b, k) => bytes[k] === b);
}

const CURRENT_CLAMP = new Set(['CurrentClampSeries', 'IZeroClampSeries']);
const STIMULUS = new Set(['CurrentClampStimulusSeries']);

/* eslint-disable @typescript-eslint/no-explicit-any */
type H5 = any;

let loading: Promise<H5> | undefined;

/** h5wasm, loaded once and on first use (its WebAssembly takes a fifth of a second to start). */
function h5(): Promise<H5> {
  loading ??= import('h5wasm/node').then(async (m: H5) => {
    await m.ready;
    return m;
  });
  return loading;
}

/**
 * Reads the current-clamp sweeps of an NWB 2 file through h5wasm. Layouts covered: the
 * BBP/Hippocampus Hub one (`acquisition/ic__<protocol>__<k>` with
 * `stimulus/presentation/ics__<protocol>__<k>` and the icephys tables) and the Allen/MIES one
 * (`acquisition/data_<sweep>_AD<k>` with `stimulus/presentation/data_<sweep>_DA<k>`, paired
 * by their `sweep_number`). Sweeps come in recording order: the icephys tables' order when
 * the file has them, else the sweep number, else the number in the series' name read as a
 * number (`ic__Step__2` before `ic__Step__10`). Only the datasets of the sweeps are read.
 *
 * ```ts
 * const nwb = await readNwb('99111002.nwb');
 * nwb.sweeps.length; // 16
 * ```
 */
export async function readNwb(path: string): Promise<NwbFile> {
  const m = await h5();
  let file: H5;
  try {
    file = new m.File(path, 'r');
  } catch (err) {
    throw new Error(`${path}: HDF5 file that h5wasm cannot open (${(err as Error).message}); truncated or corrupt?`);
  }
  try {
    // the names once per object (`.attrs` lists them without reading values), then one value at
    // a time; asking h5wasm for a missing attribute throws through WebAssembly, which is slow
    const names = new WeakMap<object, Set<string>>();
    const attr = (o: H5, name: string): any => {
      if (!o) return undefined;
      let known = names.get(o);
      if (!known) names.set(o, (known = new Set(Object.keys(o.attrs))));
      return known.has(name) ? o.get_attribute(name, true) : undefined;
    };
    const nwbVersion = String(attr(file, 'nwb_version') ?? '');
    if (!nwbVersion.startsWith('2')) {
      throw new Error(`${path}: unsupported NWB layout: an HDF5 file with nwb_version '${nwbVersion || 'none'}' (NWB 2.x files are read)`);
    }
    const acquisition = file.get('acquisition');
    if (!acquisition) throw new Error(`${path}: unsupported NWB layout: no /acquisition group (groups: ${file.keys().join(', ')})`);
    const skipped: string[] = [];
    const responses: { name: string; group: H5 }[] = [];
    for (const name of acquisition.keys() as string[]) {
      const g = acquisition.get(name);
      const type = String(attr(g, 'neurodata_type') ?? '');
      if (CURRENT_CLAMP.has(type)) responses.push({ name, group: g });
      else skipped.push(`${name} (${type || 'no type'})`);
    }
    if (responses.length === 0) {
      throw new Error(`${path}: unsupported NWB layout: no CurrentClampSeries in /acquisition (found: ${skipped.join(', ') || 'nothing'})`);
    }
    const stimuli = new Map<string, H5>();
    const presentation = file.get('stimulus/presentation');
    for (const name of (presentation?.keys() ?? []) as string[]) {
      const g = presentation.get(name);
      if (STIMULUS.has(String(attr(g, 'neurodata_type') ?? ''))) stimuli.set(name, g);
    }
    const sweepNumber = (g: H5): number | undefined => {
      const n = attr(g, 'sweep_number');
      return n === undefined ? undefined : Number(Array.isArray(n) || ArrayBuffer.isView(n) ? (n as any)[0] : n);
    };
    // pair each response with its stimulus: by sweep number (MIES), else by name (ic__ -> ics__)
    const stimulusBySweep = new Map<number, string>();
    for (const [name, g] of stimuli) {
      const n = sweepNumber(g);
      if (n !== undefined) stimulusBySweep.set(n, name);
    }
    const pairName = (name: string, g: H5): string | undefined => {
      const n = sweepNumber(g);
      if (n !== undefined && stimulusBySweep.has(n)) return stimulusBySweep.get(n);
      for (const candidate of [name.replace(/^ic__/, 'ics__'), name.replace(/_AD(\d+)$/, '_DA$1')]) if (stimuli.has(candidate)) return candidate;
      return undefined;
    };

    let order: NwbFile['order'] = 'name';
    const tableOrder = readTraceNames(file);
    if (tableOrder && responses.every((r) => tableOrder.has(r.name))) {
      responses.sort((a, b) => tableOrder.get(a.name)! - tableOrder.get(b.name)!);
      order = 'icephys-tables';
    } else if (responses.every((r) => sweepNumber(r.group) !== undefined)) {
      responses.sort((a, b) => sweepNumber(a.group)! - sweepNumber(b.group)!);
      order = 'sweep-number';
    } else {
      responses.sort((a, b) => compareNumeric(a.name, b.name));
    }

    const sweeps = responses.map(({ name, group }): NwbSweep => {
      const series = readSeries(path, `acquisition/${name}`, group, attr);
      const vFactor = toMillivolts(series.unit);
      if (vFactor === undefined) throw new Error(`${path}: acquisition/${name}: unit '${series.unit}' is not a voltage (volts expected for a CurrentClampSeries)`);
      const v = series.values;
      for (let k = 0; k < v.length; k++) v[k]! *= vFactor;
      const stimulusName = pairName(name, group);
      let I: Float64Array | undefined;
      if (stimulusName) {
        const s = readSeries(path, `stimulus/presentation/${stimulusName}`, stimuli.get(stimulusName), attr);
        const iFactor = toPicoamperes(s.unit);
        if (iFactor === undefined) throw new Error(`${path}: stimulus/presentation/${stimulusName}: unit '${s.unit}' is not a current (amperes expected)`);
        if (s.values.length !== v.length) throw new Error(`${path}: ${stimulusName} has ${s.values.length} samples, its response ${name} ${v.length}`);
        I = s.values;
        for (let k = 0; k < I.length; k++) I[k]! *= iFactor;
      }
      return {
        name,
        protocol: String(attr(group, 'stimulus_description') ?? ''),
        v,
        I,
        stimulusName,
        sampleDt: series.sampleDt,
        startingTime: series.startingTime,
        sweepNumber: sweepNumber(group),
      };
    });
    return { nwbVersion, order, sweeps, skipped };
  } finally {
    file.close();
  }
}

/** data × conversion + offset (in the series' unit), with its sampling interval (ms) and starting time (ms). */
function readSeries(path: string, where: string, g: H5, attr: (o: H5, name: string) => any) {
  const data = g.get('data');
  if (!data) throw new Error(`${path}: ${where} has no data dataset`);
  const conversion = Number(attr(data, 'conversion') ?? 1);
  const offset = Number(attr(data, 'offset') ?? 0);
  const unit = String(attr(data, 'unit') ?? '');
  const raw = data.value as ArrayLike<number>;
  if (!raw || typeof raw.length !== 'number') throw new Error(`${path}: ${where}/data is not numeric (${data.dtype})`);
  const values = new Float64Array(raw.length);
  for (let k = 0; k < raw.length; k++) values[k] = raw[k]! * conversion + offset;
  const start = g.get('starting_time');
  let sampleDt: number;
  let startingTime = 0;
  if (start) {
    const rate = Number(attr(start, 'rate'));
    if (!(rate > 0)) throw new Error(`${path}: ${where}/starting_time has no rate attribute`);
    sampleDt = 1000 / rate;
    startingTime = Number(start.value) * 1000;
  } else {
    const ts = g.get('timestamps');
    if (!ts) throw new Error(`${path}: ${where} has neither starting_time nor timestamps`);
    const t = ts.value as ArrayLike<number>;
    if (t.length < 2) throw new Error(`${path}: ${where}/timestamps has ${t.length} values`);
    sampleDt = ((t[t.length - 1]! - t[0]!) / (t.length - 1)) * 1000;
    startingTime = t[0]! * 1000;
  }
  return { values, unit, sampleDt, startingTime };
}

/** Name → row of the icephys intracellular_recordings table (its responses' trace_name column), when the file has it. */
function readTraceNames(file: H5): Map<string, number> | undefined {
  try {
    const names = file.get('general/intracellular_ephys/intracellular_recordings/responses/trace_name');
    if (!names) return undefined;
    const list = names.value as string[];
    return new Map(Array.from(list, (n, k) => [String(n), k] as [string, number]));
  } catch {
    return undefined;
  }
}

/** Names compared with their digit runs read as numbers: 'ic__Step__2' before 'ic__Step__10'. */
export function compareNumeric(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
