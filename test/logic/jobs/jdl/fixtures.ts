/**
 * JDL texts the JDL tests share: DiracX's own test JDLs (`diracx-routers/tests/jobs/conftest.py`
 * and `test_query.py`) and those of DIRACCommon's `test_ParametricJob.py`, verbatim. They would
 * sit in test/fixtures/ (STYLE §22); they live here to keep this work inside its own folders.
 */

/** DiracX `TEST_JDL`: no brackets, bare words, a bare-word list. */
export const TEST_JDL = `
    Arguments = "jobDescription.xml -o LogLevel=INFO";
    Executable = "dirac-jobexec";
    JobGroup = jobGroup;
    JobName = jobName;
    JobType = User;
    LogLevel = INFO;
    OutputSandbox =
        {
            Script1_CodeOutput.log,
            std.err,
            std.out
        };
    Priority = 1;
    Site = ANY;
    StdError = std.err;
    StdOutput = std.out;
`;

/** DiracX `TEST_PARAMETRIC_JDL`: named parameters, nested lists of bare paths. */
export const TEST_PARAMETRIC_JDL = `
Arguments = "jobDescription.xml -o LogLevel=DEBUG  -p JOB_ID=%(JOB_ID)s  -p InputData=%(InputData)s";
    Executable = "dirac-jobexec";
    InputData = %(InputData)s;
    InputSandbox = jobDescription.xml;
    JOB_ID = %(JOB_ID)s;
    JobName = Name;
    JobType = User;
    LogLevel = DEBUG;
    OutputSandbox =
        {
            Script1_CodeOutput.log,
            std.err,
            std.out
        };
    Parameters = 3;
    Parameters.InputData =
        {
            {/lhcb/data/data1,
            /lhcb/data/data2},
            {/lhcb/data/data3,
            /lhcb/data/data4},
            {/lhcb/data/data5,
            /lhcb/data/data6}
        };
    Parameters.JOB_ID =
        {
            1,
            2,
            3
        };
    Priority = 1;
    StdError = std.err;
    StdOutput = std.out;
`;

/** DiracX `TEST_LARGE_PARAMETRIC_JDL`: 100 jobs, over the limit of 20. */
export const TEST_LARGE_PARAMETRIC_JDL = `
    Executable = "echo";
    Arguments = "%s";
    JobName = "Test_%n";
    Parameters = 100;
    ParameterStart = 1;
`;

/** DiracX `TEST_MALFORMED_JDL`: the attribute sits inside single quotes. */
export const TEST_MALFORMED_JDL = `
[
    'Executable = "echo";'
]
`;

/** DIRACCommon `test_ParametricJob.py` JDLs. */
export const DIRAC_PARAMETRIC = {
  NO_PARAMETERS: `
[
    Executable = "my_executable";
    Arguments = "%s";
    JobName = "Test_%n";
]
`,
  SIMPLE: `
[
    Executable = "my_executable";
    Arguments = "%s";
    JobName = "Test_%n";
    Parameters = { "a", "b", "c" }
]
`,
  SIMPLE_BUNCH: `
[
    Executable = "my_executable";
    Arguments = "%s";
    JobName = "Test_%n";
    Parameters = 3;
    ParameterStart = 5;
]
`,
  SIMPLE_PROGRESSION: `
[
    Executable = "my_executable";
    Arguments = "%s";
    JobName = "Test_%n";
    Parameters = 3;
    ParameterStart = 1;
    ParameterStep = 1;
    ParameterFactor = 2;
]
`,
  MULTI: `
[
    Executable = "my_executable";
    Arguments = "%(A)s %(B)s";
    JobName = "Test_%n";
    Parameters = 3;
    ParameterStart.A = 1;
    ParameterStep.A = 1;
    ParameterFactor.A = 2;
    Parameters.B = { "a","b","c" };
]
`,
  MULTI_BAD: `
[
    Executable = "my_executable";
    Arguments = "%(A)s %(B)s";
    JobName = "Test_%n";
    Parameters = 3;
    ParameterStart.A = 1;
    ParameterStep.A = 1;
    ParameterFactor.A = 2;
    Parameters.B = { "a","b","c","d" };
]
`,
} as const;
