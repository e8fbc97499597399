// The built-in tool log parsers by the name a spec uses in `parsers:`.
import { cocotb } from './tools/cocotb.js';
import { dsim } from './tools/dsim.js';
import { gcc } from './tools/gcc.js';
import { icarus } from './tools/icarus.js';
import { make } from './tools/make.js';
import { python } from './tools/python.js';
import { questa } from './tools/questa.js';
import { uvm } from './tools/uvm.js';
import { vcs } from './tools/vcs.js';
import { verilator } from './tools/verilator.js';
import { xcelium } from './tools/xcelium.js';
import type { ParserInfo } from './types.js';

const BUILT_IN: readonly ParserInfo[] = [uvm, verilator, vcs, xcelium, questa, icarus, dsim, gcc, make, python, cocotb];

/** Other names users reach for, and the parser each means. */
const ALIASES: Readonly<Record<string, string>> = { clang: 'gcc', modelsim: 'questa', iverilog: 'icarus' };

const BY_NAME = new Map(BUILT_IN.map((p) => [p.name, p]));

export const PARSER_NAMES: readonly string[] = BUILT_IN.map((p) => p.name);
export const PARSER_ALIASES: Readonly<Record<string, string>> = ALIASES;
export const BUILT_IN_PARSERS: readonly ParserInfo[] = BUILT_IN;

/** The parser a name (or alias) stands for, or undefined. */
export const parserNamed = (name: string): ParserInfo | undefined => BY_NAME.get(ALIASES[name] ?? name);
