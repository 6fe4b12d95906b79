package policy

import "strings"

// refusedImport reports whether path is refused whatever an exercise
// allows, and why.
func refusedImport(path string) (bool, string) {
	switch {
	case path == "unsafe":
		return true, "it reads and writes any memory, the grader's included"
	case path == "C" || path == "runtime/cgo":
		return true, "C code runs outside Go's checks"
	case path == "os/exec":
		return true, "it runs other programs"
	case path == "syscall" || strings.HasPrefix(path, "syscall/"),
		path == "golang.org/x/sys" || strings.HasPrefix(path, "golang.org/x/sys/"):
		return true, "it calls the operating system directly"
	case path == "plugin":
		return true, "it loads code the grader has not checked"
	}
	return false, ""
}

// importInstead says what to use instead of importing path.
func importInstead(path string, allowed []string) string {
	use := "solve it with the packages this exercise allows"
	if len(allowed) > 0 {
		use = "solve it with " + strings.Join(allowed, ", ")
	}
	switch path {
	case "runtime", "runtime/debug":
		return use + "; the grader sets GOMAXPROCS and the runtime's settings itself"
	case "os", "io/fs", "io/ioutil", "path/filepath", "embed":
		return use + "; the tests give your code everything it needs, no files or environment"
	case "unsafe", "reflect":
		return use + "; typed Go, with the fields your own types declare"
	case "testing", "testing/synctest":
		return use + "; the graded tests are the grader's, and your code is what they test"
	case "log", "fmt":
		return use + "; your code needs no output of its own here"
	}
	return use
}

// refusal is why a member of a package is refused.
type refusal struct {
	rule    string
	why     string
	instead string
	// onlyZero allows the call f(0), which only reads a setting.
	onlyZero bool
}

const (
	runtimeInstead = "use the sync or sync/atomic packages; the grader sets GOMAXPROCS and the runtime's settings itself"
	exitInstead    = "return an error (or let the panic happen): the tests decide when the program ends"
	processInstead = "take what you need as arguments from the tests: the environment and command line are the grader's"
)

// refusedMembers are the package members (path.Name) refused wherever
// they appear: called, taken as a value or dot-imported. The packages
// that hold them may be allowed by an exercise (os for one that prints
// a recovered panic to os.Stderr), the members never are.
var refusedMembers = map[string]refusal{
	"runtime.GOMAXPROCS":   {rule: RuleRuntime, why: "the grader decides how many threads run your goroutines", instead: runtimeInstead, onlyZero: true},
	"runtime.LockOSThread": {rule: RuleRuntime, why: "it changes how the scheduler runs your goroutines", instead: runtimeInstead},

	"runtime/debug.SetGCPercent":    {rule: RuleRuntime, why: "it changes the runtime's settings for the whole test", instead: runtimeInstead},
	"runtime/debug.SetMaxStack":     {rule: RuleRuntime, why: "it changes the runtime's settings for the whole test", instead: runtimeInstead},
	"runtime/debug.SetMaxThreads":   {rule: RuleRuntime, why: "it changes the runtime's settings for the whole test", instead: runtimeInstead},
	"runtime/debug.SetMemoryLimit":  {rule: RuleRuntime, why: "it changes the runtime's settings for the whole test", instead: runtimeInstead},
	"runtime/debug.SetTraceback":    {rule: RuleRuntime, why: "it changes what the grader reads when a test fails", instead: runtimeInstead},
	"runtime/debug.SetPanicOnFault": {rule: RuleRuntime, why: "it changes how the runtime reports a crash", instead: runtimeInstead},
	"runtime/debug.SetCrashOutput":  {rule: RuleRuntime, why: "it changes where the runtime reports a crash", instead: runtimeInstead},
	"runtime/debug.WriteHeapDump":   {rule: RuleRuntime, why: "it writes the test's memory to a file", instead: runtimeInstead},

	"os.Exit":     {rule: RuleExit, why: "it ends the test binary before the grader has its results", instead: exitInstead},
	"log.Fatal":   {rule: RuleExit, why: "it ends the test binary before the grader has its results", instead: exitInstead},
	"log.Fatalf":  {rule: RuleExit, why: "it ends the test binary before the grader has its results", instead: exitInstead},
	"log.Fatalln": {rule: RuleExit, why: "it ends the test binary before the grader has its results", instead: exitInstead},

	"os.NewFile":      {rule: RuleProcess, why: "it opens the grader's file descriptors", instead: processInstead},
	"os.Getppid":      {rule: RuleProcess, why: "it finds the grader's process", instead: processInstead},
	"os.Environ":      {rule: RuleProcess, why: "the environment is the grader's", instead: processInstead},
	"os.Getenv":       {rule: RuleProcess, why: "the environment is the grader's", instead: processInstead},
	"os.LookupEnv":    {rule: RuleProcess, why: "the environment is the grader's", instead: processInstead},
	"os.Setenv":       {rule: RuleProcess, why: "the environment is the grader's", instead: processInstead},
	"os.Unsetenv":     {rule: RuleProcess, why: "the environment is the grader's", instead: processInstead},
	"os.Clearenv":     {rule: RuleProcess, why: "the environment is the grader's", instead: processInstead},
	"os.ExpandEnv":    {rule: RuleProcess, why: "the environment is the grader's", instead: processInstead},
	"os.Readlink":     {rule: RuleProcess, why: "it reads links such as /proc/self/exe, the grader's binary", instead: processInstead},
	"os.Args":         {rule: RuleProcess, why: "the command line is the grader's, and names its test binary", instead: processInstead},
	"os.Executable":   {rule: RuleProcess, why: "it names the grader's test binary", instead: processInstead},
	"os.StartProcess": {rule: RuleProcess, why: "it starts a process the grader does not see (os/exec is refused for the same reason)", instead: processInstead},
	"os.FindProcess":  {rule: RuleProcess, why: "it reaches other processes, the grader's among them", instead: processInstead},
}
