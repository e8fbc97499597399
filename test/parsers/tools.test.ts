// Each built-in parser over a log as its tool prints it: every line it recognises, in order,
// with the severity it gives, and the metrics it extracts. Lines not listed must be left alone.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PARSER_NAMES, parserNamed } from '../../parsers/index.js';
import { SEVERITY_NAMES, Severity } from '../../vocabulary/codes.js';

const LOGS = join('test', 'fixtures', 'logs');

const nameOf = (level: number): string => SEVERITY_NAMES.find((name) => Severity[name] === level) ?? String(level);

/** [line, severity name] for every line the parser recognises, and the metrics it reported. */
const parse = (parser: string, log: string): { recognised: [string, string][]; metrics: [string, number][] } => {
  const info = parserNamed(parser);
  assert.ok(info !== undefined, `no parser ${parser}`);
  const instance = info.create();
  const metrics: [string, number][] = [];
  const recognised: [string, string][] = [];
  for (const line of readFileSync(join(LOGS, log), 'utf8').replace(/\n$/, '').split('\n')) {
    const verdict = instance.line(line, (name, value) => metrics.push([name, value]));
    if (verdict !== 0) recognised.push([line, nameOf(verdict)]);
  }
  return { recognised, metrics };
};

const severities = (recognised: readonly [string, string][]): string[] => recognised.map(([line, sev]) => `${sev} ${line}`);

describe('built-in parsers', () => {
  it('has the tools the spec language documents', () => {
    for (const name of ['uvm', 'verilator', 'vcs', 'xcelium', 'questa', 'icarus', 'gcc', 'python', 'cocotb', 'make', 'dsim']) {
      assert.ok(PARSER_NAMES.includes(name), name);
    }
    assert.equal(parserNamed('clang')?.name, 'gcc');
  });

  it('uvm: VCS log, report summary counts are INFO and metrics, never errors', () => {
    const { recognised, metrics } = parse('uvm', 'vcs-uvm.log');
    const counts = (sev: string): number => recognised.filter(([, s]) => s === sev).length;
    assert.equal(counts('ERROR'), 1);
    assert.equal(counts('WARNING'), 1);
    assert.equal(counts('CRITICAL'), 0);
    assert.ok(recognised.some(([line, sev]) => line === 'UVM_ERROR :    1' && sev === 'INFO'));
    assert.ok(recognised.some(([line, sev]) => line.startsWith('UVM_ERROR tb/fifo_sb.sv(142)') && sev === 'ERROR'));
    assert.ok(recognised.some(([line, sev]) => line.startsWith('UVM_INFO(UVM_MEDIUM) tb/fifo_test.sv(40)') && sev === 'INFO'));
    assert.deepEqual(metrics, [
      ['uvm_info', 6],
      ['uvm_warning', 1],
      ['uvm_error', 1],
      ['uvm_fatal', 0],
    ]);
  });

  it('uvm: Questa transcript with "# " prefixes; UVM_FATAL is CRITICAL', () => {
    const { recognised, metrics } = parse('uvm', 'questa-uvm.log');
    assert.deepEqual(severities(recognised.filter(([, s]) => s !== 'INFO')), [
      'CRITICAL # UVM_FATAL tb/dma_drv.sv(203) @ 4000 ns: uvm_test_top.env.agt.drv [DRV/TIMEOUT] no grant after 1000 cycles',
    ]);
    assert.ok(recognised.some(([line]) => line === '# UVM_FATAL :    1'));
    assert.deepEqual(
      metrics.find(([name]) => name === 'uvm_fatal'),
      ['uvm_fatal', 1],
    );
  });

  it('uvm: Riviera "# KERNEL: " prefix', () => {
    const { recognised } = parse('uvm', 'riviera-uvm.log');
    assert.deepEqual(severities(recognised.filter(([line]) => !line.includes(' :    '))), [
      'INFO # KERNEL: UVM_INFO /home/runner/testbench.sv(17) @ 0: uvm_test_top [my_test] Hello from the test',
      'WARNING # KERNEL: UVM_WARNING /home/runner/testbench.sv(19) @ 10: uvm_test_top [my_test] watch out',
      'ERROR # KERNEL: UVM_ERROR /home/runner/testbench.sv(21) @ 20: uvm_test_top [my_test] got 3 expected 4',
      'INFO # KERNEL: --- UVM Report Summary ---',
    ]);
  });

  it('uvm: leaves ordinary lines alone', () => {
    const parser = parserNamed('uvm')!.create();
    for (const line of ['', '42', 'UVM-1.2', 'UVM_ERROR is a word here', '# plain comment', 'Use UVM_ERROR wisely']) {
      assert.equal(
        parser.line(line, () => assert.fail('no metric')),
        0,
        line,
      );
    }
  });

  it('verilator: a warning with its context counts once; Exiting due to is INFO', () => {
    const { recognised } = parse('verilator', 'verilator-build.log');
    assert.deepEqual(severities(recognised.filter(([, s]) => s !== 'INFO')), [
      "WARNING %Warning-WIDTHTRUNC: rtl/alu.sv:42:18: Operator ASSIGNW expects 8 bits on the Assign RHS, but Assign RHS's ADD generates 9 bits.",
      "ERROR %Error: rtl/fifo.sv:17:4: Duplicate declaration of signal: 'wr_ptr'",
    ]);
    // Every context line is recognised (so stderr's default cannot make it an error).
    const text = readFileSync(join(LOGS, 'verilator-build.log'), 'utf8').trim().split('\n');
    assert.equal(recognised.length, text.length - 1, 'all but the banner');
  });

  it('verilator: run-time messages with a time prefix', () => {
    const { recognised } = parse('verilator', 'verilator-run.log');
    assert.deepEqual(severities(recognised), [
      'ERROR [1500] %Error: tb.sv:88: Assertion failed in TOP.tb.u_chk: fifo overflow',
      'INFO -Info: tb.sv:88: Verilog $stop, ignored due to +verilator+error+limit',
      'WARNING [2000] %Warning: tb.sv:91: late response',
    ]);
  });

  it('vcs: the closing banner gives sim_time_ns and cpu_time_s', () => {
    const { metrics } = parse('vcs', 'vcs-uvm.log');
    assert.deepEqual(metrics, [
      ['sim_time_ns', 100000],
      ['cpu_time_s', 0.51],
    ]);
    const parser = parserNamed('vcs')!.create();
    const none = (): void => undefined;
    const lines = [
      ['Error-[NOA] Null object access', 'ERROR'],
      ['tb/env.sv, 16', 'INFO'],
      ['  The object at dereference depth 0 is being used before it was ', 'INFO'],
      ['', 'none'],
      ['Lint-[PCWM-L] Port connection width mismatch', 'WARNING'],
      ['', 'none'],
      ['"tb/chk.sv", 42: tb.u_chk.a_check: started at 100ns failed at 100ns', 'none'],
      ["\tOffending '(a == b)'", 'ERROR'],
      ['Warning-[TFIPC] Too few instance port connections', 'WARNING'],
      ['Note-[RT_BS] Larger stack needed', 'INFO'],
    ] as const;
    for (const [line, expected] of lines) {
      const verdict = parser.line(line, none);
      assert.equal(verdict === 0 ? 'none' : nameOf(verdict), expected, line);
    }
  });

  it('xcelium: *E/*F/*W/*N and the sim/wall time metrics', () => {
    const { recognised, metrics } = parse('xcelium', 'xcelium.log');
    assert.deepEqual(
      recognised.map(
        ([line, sev]) =>
          `${sev} ${line
            .split(/[ :(]+/)
            .slice(0, 2)
            .join(' ')}`,
      ),
      ['WARNING xrun *W,DSEMEL', 'ERROR xmvlog *E,EXPSMC', 'INFO xmelab *N,COVCGN', 'CRITICAL xmsim *F,ASRTST'],
    );
    assert.deepEqual(metrics, [
      ['sim_time_ns', 1250],
      ['wall_time_s', 7],
    ]);
  });

  it('questa: ** Warning / Note and the Errors/Warnings summary', () => {
    const { recognised, metrics } = parse('questa', 'questa-uvm.log');
    assert.deepEqual(severities(recognised), [
      'INFO # ** Note: (vsim-3812) Design is being optimized...',
      'WARNING # ** Warning: (vsim-8315) tb/dma_if.sv(31): No condition is true in the unique/priority if/case statement.',
      'INFO # ** Note: $finish    : verilog_src/uvm-1.2/src/base/uvm_root.svh(135)',
      'INFO # Errors: 0, Warnings: 1',
    ]);
    assert.deepEqual(metrics, [
      ['questa_errors', 0],
      ['questa_warnings', 1],
    ]);
    const parser = parserNamed('questa')!.create();
    assert.equal(
      parser.line('** Error (suppressible): (vlog-2388) rtl/a.sv(3): x already declared', () => undefined),
      Severity.ERROR,
    );
    assert.equal(
      parser.line('# ** Fatal: (vsim-3734) Index value 8192 is out of range', () => undefined),
      Severity.CRITICAL,
    );
    assert.equal(
      parser.line('# ** Failure: assertion violation', () => undefined),
      Severity.CRITICAL,
    );
  });

  it('icarus: compile and run-time messages with their Time/Scope lines', () => {
    const { recognised } = parse('icarus', 'icarus.log');
    assert.deepEqual(severities(recognised), [
      'WARNING rtl/counter.v:37: warning: Port 2 (clk) of counter expects 1 bits, got 2.',
      'ERROR rtl/counter.v:12: error: Unknown module type: flop',
      'ERROR rtl/counter.v:19: syntax error',
      'ERROR rtl/counter.v:23: sorry: constant selects in always_* processes are not currently supported (all bits will be included).',
      'INFO 2 error(s) during elaboration.',
      'ERROR ERROR: tb/tb_counter.v:44: count mismatch: 3 != 4',
      'INFO        Time: 150  Scope: tb_counter',
      'WARNING WARNING: tb/tb_counter.v:48: slow clock',
      'INFO        Time: 200  Scope: tb_counter',
      'CRITICAL FATAL: tb/tb_counter.v:60: giving up',
      'INFO        Time: 300  Scope: tb_counter',
    ]);
  });

  it('gcc: diagnostics count once, their context is INFO, linker errors are ERROR', () => {
    const { recognised } = parse('gcc', 'gcc.log');
    assert.deepEqual(severities(recognised.filter(([, s]) => s !== 'INFO')), [
      "WARNING src/util.h:7:13: warning: 'helper' declared 'static' but never defined [-Wunused-function]",
      "WARNING src/main.c:12:9: warning: unused variable 'x' [-Wunused-variable]",
      "ERROR src/main.c:20:5: error: implicit declaration of function 'undeclared' [-Werror=implicit-function-declaration]",
      'CRITICAL src/other.c:1:10: fatal error: missing.h: No such file or directory',
      "ERROR main.c:(.text+0x1e): undefined reference to `undeclared'",
      'ERROR collect2: error: ld returned 1 exit status',
    ]);
    const unrecognised = readFileSync(join(LOGS, 'gcc.log'), 'utf8')
      .trim()
      .split('\n')
      .filter((line) => !recognised.some(([l]) => l === line));
    assert.deepEqual(unrecognised, [
      'compilation terminated.',
      'cc1: some warnings being treated as errors',
      "/usr/bin/ld: main.o: in function `main':",
      'make: *** [Makefile:8: app] Error 1',
    ]);
  });

  it('gcc: clang prints the same shapes', () => {
    const { recognised } = parse('clang', 'clang.log');
    assert.deepEqual(severities(recognised), [
      "WARNING src/main.c:12:9: warning: unused variable 'x' [-Wunused-variable]",
      'INFO    12 |     int x;',
      'INFO       |         ^',
      'INFO 1 warning generated.',
    ]);
  });

  it('python: a traceback is one ERROR on its exception line; warnings and logging levels', () => {
    const { recognised } = parse('python', 'python.log');
    assert.deepEqual(severities(recognised.filter(([, s]) => s !== 'INFO')), [
      'WARNING WARNING:root:retrying connection',
      'WARNING /work/tb/model.py:31: DeprecationWarning: the imp module is deprecated',
      'ERROR ValueError: bad result 17',
      'ERROR RuntimeError: cleanup failed',
      'ERROR ERROR:tb.scoreboard:mismatch at 0x40',
    ]);
    const lines = readFileSync(join(LOGS, 'python.log'), 'utf8')
      .trim()
      .split('\n')
      .filter((l) => l !== '');
    assert.equal(recognised.filter(([l]) => l !== '').length, lines.length, 'every line of the log is recognised');
  });

  it('python: an exception group is one ERROR', () => {
    const parser = parserNamed('python')!.create();
    const text = [
      '  + Exception Group Traceback (most recent call last):',
      '  |   File "/work/t.py", line 3, in <module>',
      '  |     raise ExceptionGroup("eg", [ValueError(1), TypeError(2)])',
      '  | ExceptionGroup: eg (2 sub-exceptions)',
      '  +-+---------------- 1 ----------------',
      '    | ValueError: 1',
      '    +---------------- 2 ----------------',
      '    | TypeError: 2',
      '    +------------------------------------',
      'done',
    ];
    const verdicts = text.map((line) => nameOf(parser.line(line, () => undefined)));
    assert.deepEqual(verdicts, ['INFO', 'INFO', 'INFO', 'ERROR', 'INFO', 'INFO', 'INFO', 'INFO', 'INFO', '0']);
  });

  it('cocotb: log levels', () => {
    const { recognised } = parse('cocotb', 'cocotb.log');
    assert.deepEqual(
      recognised.map(([, s]) => s),
      ['INFO', 'INFO', 'INFO', 'WARNING', 'ERROR', 'INFO'],
    );
  });

  it('make: a failed recipe is ERROR, directory chatter INFO', () => {
    const { recognised } = parse('make', 'make.log');
    assert.deepEqual(
      recognised.map(([, s]) => s),
      ['INFO', 'INFO', 'INFO', 'WARNING', 'ERROR'],
    );
  });

  it('dsim: =E/=F/=W/=N', () => {
    const { recognised } = parse('dsim', 'dsim.log');
    assert.deepEqual(
      recognised.map(([, s]) => s),
      ['INFO', 'WARNING', 'ERROR', 'CRITICAL'],
    );
  });
});
