package grade_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/runner/grade"
	"github.com/conclab/conclab/runner/report"
)

// update re-records the go test -json streams of testdata/src/* on this
// machine and rewrites the golden files made from them:
//
//	go test ./runner/grade -run TestRecorded -update
var update = flag.Bool("update", false, "re-record testdata/streams and rewrite testdata/golden")

// rewriteGolden rewrites the golden files from the recorded streams, as
// they are (for a change of the engine's wording, not of go test's):
//
//	go test ./runner/grade -run TestRecorded -golden
var rewriteGolden = flag.Bool("golden", false, "rewrite testdata/golden from the recorded streams")

// recordCap is the output cap used on the recordings: small, so that the
// huge-output recording is truncated.
const recordCap = 16 << 10

// TestRecorded judges real go test -json streams, recorded from the small
// packages in testdata/src (one way to pass or fail each), and compares
// the verdicts and the text report with golden files.
func TestRecorded(t *testing.T) {
	dirs, err := filepath.Glob("testdata/src/*")
	require.NoError(t, err)
	require.NotEmpty(t, dirs, "no recorded packages in testdata/src")
	for _, dir := range dirs {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			stream := filepath.Join("testdata", "streams", name+".jsonl")
			if *update {
				record(t, dir, stream)
			}
			x := grade.NewExecution(recordCap)
			require.NoError(t, x.Read(bytes.NewReader(replay(t, dir, stream))))

			er := judge(t, dir, x)
			got := golden(t, er)
			path := filepath.Join("testdata", "golden", name+".golden")
			if *update || *rewriteGolden {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, got, 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(got), "verdicts of %s differ from %s (re-run with -update and review the diff)", stream, path)
		})
	}
}

// record runs go test -json in dir, as the engine does, and saves the
// stream.
func record(t *testing.T, dir, stream string) {
	t.Helper()
	cmd := exec.Command("go", "test", "-json", "-race", "-vet=all", "-count=1", "-timeout", "4s", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GORACE=halt_on_error=0 history_size=3", "GOFLAGS=-mod=mod")
	// A package with a "toolchain" file is recorded with that Go (from
	// the module proxy): the streams of newer Go versions carry more.
	if v, err := os.ReadFile(filepath.Join(dir, "toolchain")); err == nil {
		cmd.Env = append(cmd.Env, "GOTOOLCHAIN="+strings.TrimSpace(string(v)))
	}
	out, _ := cmd.Output() // failing is what most of these packages do
	require.NotEmpty(t, out, "go test in %s printed nothing", dir)
	out = bytes.ReplaceAll(out, jsonPath(t, dir), []byte(dirPlaceholder))
	require.NoError(t, os.MkdirAll(filepath.Dir(stream), 0o755))
	require.NoError(t, os.WriteFile(stream, out, 0o644))
}

// dirPlaceholder stands, in a recording, for the absolute path of the
// recorded package's folder: the checkout that recorded it and the one
// that replays it (CI clones elsewhere) are not in the same place, and
// the engine recognises the learner's lines by their absolute paths.
const dirPlaceholder = "$PKGDIR"

// replay reads a recording with the placeholder replaced by dir's
// absolute path in this checkout.
func replay(t *testing.T, dir, stream string) []byte {
	t.Helper()
	b, err := os.ReadFile(stream)
	require.NoError(t, err, "no recording: run go test ./runner/grade -run TestRecorded -update")
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	require.NotContains(t, string(b), root+"/", "%s holds an absolute path of the checkout that recorded it (re-record with -update)", stream)
	return bytes.ReplaceAll(b, []byte(dirPlaceholder), jsonPath(t, dir))
}

// jsonPath is dir's absolute path as it appears inside a JSON string.
func jsonPath(t *testing.T, dir string) []byte {
	t.Helper()
	abs, err := filepath.Abs(dir)
	require.NoError(t, err)
	q, err := json.Marshal(abs)
	require.NoError(t, err)
	return q[1 : len(q)-1]
}

// judge decides the verdicts of the one package in x, with dir's non-test
// files as the learner's.
func judge(t *testing.T, dir string, x *grade.Execution) *grade.ExerciseResult {
	t.Helper()
	require.Len(t, x.Order, 1, "one package per recording")
	abs, err := filepath.Abs(dir)
	require.NoError(t, err)
	files := map[string]string{}
	srcs, _ := filepath.Glob(filepath.Join(abs, "*.go"))
	for _, f := range srcs {
		if !strings.HasSuffix(f, "_test.go") {
			files[f] = f
		}
	}
	er := &grade.ExerciseResult{Slug: filepath.Base(dir), Files: files}
	grade.Finish(er, x.Packages[x.Order[0]], grade.Options{Root: abs, OutputCap: recordCap})
	return er
}

// golden renders what a reader sees of er: the text report and the JSON
// facts, with the durations (which vary from run to run) zeroed.
func golden(t *testing.T, er *grade.ExerciseResult) []byte {
	er.Duration = 0
	for _, tr := range er.Tests {
		tr.Duration = 0
	}
	res := &grade.Result{Version: grade.ReportVersion, Exercises: []*grade.ExerciseResult{er}, Points: er.Points, MaxPoints: er.MaxPoints, Passed: er.Verdict == grade.Pass}
	var b bytes.Buffer
	require.NoError(t, report.Text(&b, res, report.Options{}))
	b.WriteString("\n")
	facts := *er
	facts.Output = ""
	j, err := json.MarshalIndent(facts, "", "  ")
	require.NoError(t, err)
	b.Write(j)
	b.WriteString("\n")
	return b.Bytes()
}

// TestLinkErrorKeepsItsText reads a stream in which the linker failed:
// go test files the linker's words under the test binary ("p.test"),
// not under the package, and they must still reach the package's verdict.
func TestLinkErrorKeepsItsText(t *testing.T) {
	stream := `{"ImportPath":"example.com/p.test","Action":"build-output","Output":"# example.com/p.test\n"}
{"ImportPath":"example.com/p.test","Action":"build-output","Output":"example.com/p.Inc: relocation target example.com/q.missing not defined\n"}
{"ImportPath":"example.com/p.test","Action":"build-fail"}
{"Action":"start","Package":"example.com/p"}
{"Action":"output","Package":"example.com/p","Output":"FAIL\texample.com/p [build failed]\n"}
{"Action":"fail","Package":"example.com/p","Elapsed":0,"FailedBuild":"example.com/p.test"}
`
	x := grade.NewExecution(1 << 16)
	require.NoError(t, x.Read(strings.NewReader(stream)))
	require.Contains(t, x.Packages, "example.com/p")
	er := &grade.ExerciseResult{Slug: "p"}
	grade.Finish(er, x.Packages["example.com/p"], grade.Options{Root: t.TempDir()})
	assert.Equal(t, grade.BuildError, er.Verdict)
	assert.Contains(t, er.Message, "relocation target example.com/q.missing not defined", "the linker's own words")
}
