package policy_test

import (
	"go/build"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/runner/grade/policy"
)

const learnerFile = "exercises/01-counter/counter.go"

// counterOK is a correct counter: the base most cases add one line to.
const counterOK = `package counter

import "sync"

type Counter struct {
	mu sync.Mutex
	n  int64
}

func (c *Counter) Inc() { c.Add(1) }

func (c *Counter) Add(n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n += n
}

func (c *Counter) Value() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
`

var counterImports = []string{"sync", "sync/atomic"}

// withRuntime and withOS allow a package no exercise allows today, to
// test the rules on its members on their own.
var (
	withRuntime = []string{"runtime", "runtime/debug", "sync", "sync/atomic"}
	withOS      = []string{"errors", "fmt", "io", "log", "os", "reflect", "sync"}
)

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name    string
		allowed []string
		src     string
		want    []string // rule ids, in file order
	}{
		{"a correct counter", counterImports, counterOK, nil},
		{"a file that does not parse", counterImports, "package counter\n\nimport \"os/exec\"\n\nfunc (", nil},

		// Imports.
		{"import not in the list", counterImports, "package counter\n\nimport \"fmt\"\n\nvar _ = fmt.Sprint", []string{policy.RuleImport}},
		{"unsafe", withRuntime, "package counter\n\nimport \"unsafe\"\n\nvar _ = unsafe.Sizeof(0)", []string{policy.RuleRefusedImport}},
		{"unsafe for its side effects (linkname)", withRuntime, "package counter\n\nimport _ \"unsafe\"", []string{policy.RuleRefusedImport}},
		{"unsafe even when the list has it", []string{"unsafe"}, "package counter\n\nimport \"unsafe\"\n\nvar _ = unsafe.Sizeof(0)", []string{policy.RuleRefusedImport}},
		{"os/exec", withOS, "package counter\n\nimport \"os/exec\"\n\nvar _ = exec.Command", []string{policy.RuleRefusedImport}},
		{"os/exec under another package's name", withOS, "package counter\n\nimport fmt \"os/exec\"\n\nvar _ = fmt.Command", []string{policy.RuleRefusedImport}},
		{"syscall", withOS, "package counter\n\nimport \"syscall\"\n\nvar _ = syscall.Getpid", []string{policy.RuleRefusedImport}},
		{"golang.org/x/sys", withOS, "package counter\n\nimport \"golang.org/x/sys/unix\"\n\nvar _ = unix.Getpid", []string{policy.RuleRefusedImport}},
		{"plugin", withOS, "package counter\n\nimport \"plugin\"\n\nvar _ = plugin.Open", []string{policy.RuleRefusedImport}},
		{"cgo and its preamble", withOS, "package counter\n\n// #include <stdlib.h>\nimport \"C\"\n\nfunc f() { C.abort() }", []string{policy.RuleCgo, policy.RuleRefusedImport}},
		{"dot import", withRuntime, "package counter\n\nimport . \"sync\"\n\nvar mu Mutex", []string{policy.RuleDotImport}},

		// Members, however they are reached.
		{"runtime.GOMAXPROCS(n)", withRuntime, "package counter\n\nimport \"runtime\"\n\nfunc f() { runtime.GOMAXPROCS(1) }", []string{policy.RuleRuntime}},
		{"runtime.GOMAXPROCS(0) only asks", withRuntime, "package counter\n\nimport \"runtime\"\n\nvar n = (runtime.GOMAXPROCS)((0))", nil},
		{"runtime.GOMAXPROCS(0...) is not 0", withRuntime, "package counter\n\nimport \"runtime\"\n\nvar z = []int{0}\nvar n = runtime.GOMAXPROCS(z[0])", []string{policy.RuleRuntime}},
		{"runtime.GOMAXPROCS through an alias", withRuntime, "package counter\n\nimport r \"runtime\"\n\nfunc f() { r.GOMAXPROCS(1) }", []string{policy.RuleRuntime}},
		{"runtime.GOMAXPROCS as a method value", withRuntime, "package counter\n\nimport \"runtime\"\n\nfunc f() { g := runtime.GOMAXPROCS; g(1) }", []string{policy.RuleRuntime}},
		{"runtime.GOMAXPROCS dot-imported", withRuntime, "package counter\n\nimport . \"runtime\"\n\nfunc f() { GOMAXPROCS(1) }", []string{policy.RuleDotImport, policy.RuleRuntime}},
		{"runtime.GOMAXPROCS in a shadowed name", withRuntime, "package counter\n\nimport \"runtime\"\n\nvar _ = runtime.NumCPU\n\nfunc f() { runtime := struct{ GOMAXPROCS func(int) }{}; runtime.GOMAXPROCS(1) }", []string{policy.RuleRuntime}},
		{"runtime.LockOSThread", withRuntime, "package counter\n\nimport \"runtime\"\n\nfunc init() { runtime.LockOSThread() }", []string{policy.RuleRuntime}},
		{"os.Exit", withOS, "package counter\n\nimport \"os\"\n\nfunc f() { os.Exit(0) }", []string{policy.RuleExit}},
		{"os.Exit deferred, as a value", withOS, "package counter\n\nimport \"os\"\n\nvar exit = os.Exit", []string{policy.RuleExit}},
		{"log.Fatal", withOS, "package counter\n\nimport \"log\"\n\nfunc f() { log.Fatal(\"x\") }", []string{policy.RuleExit}},
		{"a log.Logger's Fatal", withOS, "package counter\n\nimport \"log\"\n\nvar l = log.Default()\n\nfunc f() { l.Fatalf(\"x\") }", []string{policy.RuleExit}},
		{"os.Exit in an exercise without os", counterImports, "package counter\n\nimport \"os\"\n\nfunc f() { os.Exit(0) }", []string{policy.RuleImport, policy.RuleExit}},
		{"os.NewFile", withOS, "package counter\n\nimport \"os\"\n\nvar f = os.NewFile(3, \"fd\")", []string{policy.RuleProcess}},
		{"os.Getenv", withOS, "package counter\n\nimport \"os\"\n\nvar v = os.Getenv(\"CONCLAB_WATCHDOG\")", []string{policy.RuleProcess}},
		{"os.Environ", withOS, "package counter\n\nimport \"os\"\n\nvar v = os.Environ()", []string{policy.RuleProcess}},
		{"os.Setenv", withOS, "package counter\n\nimport \"os\"\n\nfunc f() { os.Setenv(\"A\", \"b\") }", []string{policy.RuleProcess}},
		{"os.LookupEnv", withOS, "package counter\n\nimport \"os\"\n\nvar _, ok = os.LookupEnv(\"A\")", []string{policy.RuleProcess}},
		{"os.Unsetenv", withOS, "package counter\n\nimport \"os\"\n\nfunc f() { os.Unsetenv(\"A\") }", []string{policy.RuleProcess}},
		{"os.Getppid", withOS, "package counter\n\nimport \"os\"\n\nvar p = os.Getppid()", []string{policy.RuleProcess}},
		{"os.Readlink", withOS, "package counter\n\nimport \"os\"\n\nvar p, _ = os.Readlink(\"exe\")", []string{policy.RuleProcess}},
		{"os.StartProcess", withOS, "package counter\n\nimport \"os\"\n\nvar p, _ = os.StartProcess(\"x\", nil, nil)", []string{policy.RuleProcess}},
		{"os.FindProcess", withOS, "package counter\n\nimport \"os\"\n\nfunc f() { p, _ := os.FindProcess(1); p.Kill() }", []string{policy.RuleProcess}},
		{"os.Args", withOS, "package counter\n\nimport \"os\"\n\nvar p = os.Args[0]", []string{policy.RuleProcess}},
		{"os.Executable", withOS, "package counter\n\nimport \"os\"\n\nvar p, _ = os.Executable()", []string{policy.RuleProcess}},
		{"os.Stderr is fine where os is allowed", withOS, "package counter\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nfunc f() { fmt.Fprintln(os.Stderr, \"task panicked\") }", nil},
		{"reflect's UnsafePointer", withOS, "package counter\n\nimport \"reflect\"\n\nvar p = reflect.ValueOf(new(int)).UnsafePointer()", []string{policy.RuleReflect}},
		{"reflect's UnsafeAddr by name", withOS, "package counter\n\nimport \"reflect\"\n\nvar m = reflect.ValueOf(reflect.Value{}).MethodByName(\"UnsafeAddr\")", []string{policy.RuleReflect}},

		// Comments.
		{"//go:linkname", counterImports, "package counter\n\n//go:linkname nanotime runtime.nanotime\nfunc nanotime() int64", []string{policy.RuleDirective}},
		{"//go:embed", counterImports, "package counter\n\n//go:embed counter_test.go\nvar tests string", []string{policy.RuleDirective}},
		{"//go:norace", counterImports, "package counter\n\n//go:norace\nfunc f() {}", []string{policy.RuleDirective}},
		{"//go:build and //go:generate are fine", counterImports, "//go:build !windows\n\n//go:generate echo hi\n\npackage counter", nil},
		{"//line", counterImports, "package counter\n\n//line other.go:1\nfunc f() {}", []string{policy.RuleLineDirective}},
		{"/*line*/", counterImports, "package counter\n\nfunc f() { /*line other.go:1:1*/ }", []string{policy.RuleLineDirective}},
		{"//export", counterImports, "package counter\n\n//export f\nfunc f() {}", []string{policy.RuleDirective}},

		// Literals.
		{"a path under /proc", counterImports, "package counter\n\nvar p = \"/proc/self/mem\"", []string{policy.RulePath}},
		{"/dev inside a longer text", counterImports, "package counter\n\nvar p = \"cat </dev/tcp/evil\"", []string{policy.RulePath}},
		{"/sys as a raw string", counterImports, "package counter\n\nvar p = `/sys/kernel`", []string{policy.RulePath}},
		{"an absolute path", counterImports, "package counter\n\nvar p = \"/etc/passwd\"", []string{policy.RulePath}},
		{"a Windows path", counterImports, "package counter\n\nvar p = `C:\\Windows\\system.ini`", []string{policy.RulePath}},
		{"a chat command is not a path", counterImports, "package counter\n\nvar p, q = \"/quit\", \"golang.org/x/sys\"", nil},
		{"with os: a relative path is fine", withOS, "package counter\n\nimport \"os\"\n\nvar b, _ = os.ReadFile(\"data.txt\")", nil},
		{"with os: a path up and out", withOS, "package counter\n\nimport \"os\"\n\nvar b, _ = os.ReadFile(\"../02-ledger/x\")", []string{policy.RulePath}},
		{"with os: /proc", withOS, "package counter\n\nimport \"os\"\n\nvar b, _ = os.ReadFile(\"/proc/self/environ\")", []string{policy.RulePath}},
		{"test2json's framing byte", counterImports, "package counter\n\nfunc init() { println(\"\\x16--- PASS: TestIncFromManyGoroutines (0.00s)\") }", []string{policy.RuleMarker}},
		{"the framing byte as a rune", counterImports, "package counter\n\nvar m = string('\\x16')", []string{policy.RuleMarker}},
		{"the census's marker", counterImports, "package counter\n\nfunc init() { println(\"conclab census: done 1234\") }", []string{policy.RuleMarker}},

		// Names.
		{"the census's nonce", counterImports, "package counter\n\nfunc init() { println(conclabCensusNonce) }", []string{policy.RuleForeignName, policy.RuleReservedName}},
		{"a name of the grader's own", counterImports, "package counter\n\nvar conclabNoise = 1", []string{policy.RuleReservedName}},
		{"a helper of an internal test file", counterImports, "package counter\n\nfunc (c *Counter) Inc() { LockAccount(nil) }\n\ntype Counter struct{}", []string{policy.RuleForeignName}},
		{"a map key that is a test's name", counterImports, "package counter\n\nvar m = map[int]bool{iterations: true}", []string{policy.RuleForeignName}},
		{"a local declared in an unchecked function literal", withOS, "package counter\n\nimport \"os\"\n\nfunc f() { os.Args[0](func() { x := 1; _ = x }) }", []string{policy.RuleProcess}},
		{"a test's name in an unchecked function literal", withOS, "package counter\n\nimport \"fmt\"\n\nfunc f() { fmt.Sprint()(func() { _ = iterations }) }", []string{policy.RuleForeignName}},
		{"fields of another package's struct", []string{"net", "time"}, "package counter\n\nimport (\n\t\"net\"\n\t\"time\"\n)\n\nvar lc = net.ListenConfig{KeepAlive: time.Second}\nvar s = struct{ n int }{n: 1}", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := policy.Check(map[string][]byte{learnerFile: []byte(tc.src)}, tc.allowed)
			var rules []string
			for _, v := range got {
				rules = append(rules, v.Rule)
				assert.NotEmpty(t, v.Instead, "%s: every violation says what to do instead", v)
				assert.Equal(t, learnerFile, v.File)
				assert.Positive(t, v.Line, "%s: a violation has a line", v)
				assert.Positive(t, v.Column, "%s: a violation has a column", v)
				assert.NotContains(t, v.String(), "\n", "a violation is one line")
			}
			assert.Equal(t, tc.want, rules, "violations: %v", got)
		})
	}
}

func TestViolationString(t *testing.T) {
	src := "package counter\n\nimport (\n\t\"sync\"\n\n\t\"os/exec\"\n)\n\nvar _ sync.Mutex\nvar _ = exec.Command\n"
	got := policy.Check(map[string][]byte{learnerFile: []byte(src)}, counterImports)
	require.Len(t, got, 1)
	assert.Equal(t, `exercises/01-counter/counter.go:6: imports "os/exec": not allowed in this exercise (allowed: sync, sync/atomic)`, got[0].String())
	assert.Equal(t, policy.Violation{File: learnerFile, Line: 6, Column: 2, Rule: policy.RuleRefusedImport,
		Detail:  `imports "os/exec": not allowed in this exercise (allowed: sync, sync/atomic)`,
		Instead: "solve it with sync, sync/atomic"}, got[0])
}

// TestDetailIsOneLine: the learner's text in a violation is quoted, so
// a literal or a name cannot break the report's lines or colour it.
func TestDetailIsOneLine(t *testing.T) {
	src := "package counter\n\nvar p = \"/proc/\\x1b[31m\\nself\"\n\nfunc init() { println(`\x16\n--- PASS`) }\n"
	got := policy.Check(map[string][]byte{learnerFile: []byte(src)}, counterImports)
	require.Len(t, got, 2)
	for _, v := range got {
		assert.NotContains(t, v.String(), "\n")
		assert.NotContains(t, v.String(), "\x1b")
		assert.NotContains(t, v.String(), "\x16")
	}
}

// TestTooDeepForTheParser: go/parser gives up at 100000 levels of
// nesting, go build does not; a file the policy cannot read must not
// pass as one that does not compile.
func TestTooDeepForTheParser(t *testing.T) {
	const n = 100_010
	src := "package counter\n\nimport \"os\"\n\nvar _ = os.Getpid\n\nvar x = " + strings.Repeat("(", n) + "1" + strings.Repeat(")", n) + "\n"
	got := policy.Check(map[string][]byte{learnerFile: []byte(src)}, counterImports)
	require.Len(t, got, 1, "%v", got)
	assert.Equal(t, policy.RuleUnchecked, got[0].Rule)
	assert.Equal(t, 7, got[0].Line)
}

// TestPackageOfManyFiles: the files of one folder are one package, so
// a name one of them declares is the learner's in all of them; another
// folder is another package.
func TestPackageOfManyFiles(t *testing.T) {
	files := map[string][]byte{
		"exercises/11-chat/chat.go":   []byte("package chat\n\nfunc f() { helper() }\n"),
		"exercises/11-chat/helper.go": []byte("package chat\n\nfunc helper() {}\n"),
		"exercises/01-counter/c.go":   []byte("package counter\n\nfunc g() { helper() }\n"),
	}
	got := policy.Check(files, []string{"sync"})
	require.Len(t, got, 1, "%v", got)
	assert.Equal(t, policy.RuleForeignName, got[0].Rule)
	assert.Equal(t, "exercises/01-counter/c.go", got[0].File)

	// A file that does not parse leaves its package's names unknown:
	// the others' names are not judged, the compiler will speak first.
	files["exercises/11-chat/helper.go"] = []byte("package chat\n\nfunc helper( {}\n")
	got = policy.Check(files, []string{"sync"})
	require.Len(t, got, 1, "%v", got)
	assert.Equal(t, "exercises/01-counter/c.go", got[0].File)
}

// exerciseFiles returns the files of ex as a submission names them,
// with the text of name in folder dir of fsys for each.
func exerciseFiles(t *testing.T, ex exercises.Exercise, fsys fs.FS, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	for _, f := range ex.Files {
		b, err := fs.ReadFile(fsys, dir+"/"+f)
		require.NoError(t, err)
		files["exercises/"+ex.Dir()+"/"+f] = b
	}
	return files
}

// expectedViolations lists the wrong solutions
// (exercises/NN-slug/testdata/wrong/NAME.go) that break the policy on
// purpose, with the rules they break. None does today: each is wrong
// about concurrency, which the tests must find.
var expectedViolations = map[string][]string{}

// TestCatalogPassesPolicy: every stub, reference solution and wrong
// solution keeps to its exercise's Imports, so the policy refuses no
// honest attempt that the catalogue itself shows.
func TestCatalogPassesPolicy(t *testing.T) {
	solutions := os.DirFS(filepath.Join("..", "..", "..", "solutions"))
	for _, ex := range exercises.All() {
		stub := exerciseFiles(t, ex, exercises.Canonical, ex.Dir())
		assert.Empty(t, policy.Check(stub, ex.Imports), "%s: the stub", ex.ID())
		sol := exerciseFiles(t, ex, solutions, ex.Dir())
		assert.Empty(t, policy.Check(sol, ex.Imports), "%s: the reference solution", ex.ID())

		wrong, err := fs.Glob(exercises.Canonical, ex.Dir()+"/testdata/wrong/*.go")
		require.NoError(t, err)
		require.NotEmpty(t, wrong, "%s has wrong solutions", ex.ID())
		for _, w := range wrong {
			b, err := fs.ReadFile(exercises.Canonical, w)
			require.NoError(t, err)
			got := policy.Check(map[string][]byte{"exercises/" + ex.Dir() + "/" + ex.Files[0]: b}, ex.Imports)
			var rules []string
			for _, v := range got {
				rules = append(rules, v.Rule)
			}
			assert.Equal(t, expectedViolations[w], rules, "%s: %v", w, got)
		}
	}
}

// TestNoForeignNamesInTheStandardLibrary runs the name rule, the one
// that needs go/types, on real packages of many files: code that
// compiles must not be refused for its own names.
func TestNoForeignNamesInTheStandardLibrary(t *testing.T) {
	for _, p := range []string{"sync", "context", "bufio", "net/http", "encoding/json", "go/types", "text/template", "iter", "slices"} {
		bp, err := build.Import(p, "", 0)
		require.NoError(t, err, p)
		files := map[string][]byte{}
		for _, f := range bp.GoFiles {
			b, err := os.ReadFile(filepath.Join(bp.Dir, f))
			require.NoError(t, err)
			files[p+"/"+f] = b
		}
		for _, v := range policy.Check(files, nil) {
			assert.NotContains(t, []string{policy.RuleForeignName, policy.RuleUnchecked}, v.Rule, "%s: %s", p, v)
		}
	}
}
