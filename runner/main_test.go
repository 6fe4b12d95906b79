package runner_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/conclab/conclab/lessons"
	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/runner"
)

// solutionsDir is the repository's solutions folder, which conclab's main
// embeds. It is found from this package's folder, the working directory
// when the tests start; scripts run conclab in folders of their own, so
// it reaches them in CONCLAB_TEST_SOLUTIONS.
var solutionsDir = func() string {
	if dir := os.Getenv("CONCLAB_TEST_SOLUTIONS"); dir != "" {
		return dir
	}
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return filepath.Join(wd, "..", "solutions")
}()

func conclabMain() {
	lesson.ServeChild(lessons.All()...)
	app := runner.Stdio()
	app.Solutions = os.DirFS(solutionsDir)
	app.Module = os.DirFS(filepath.Dir(solutionsDir)) // go.mod and go.sum, as main embeds them
	os.Exit(runner.Main(context.Background(), os.Args[1:], app))
}

func TestMain(m *testing.M) {
	// The demos re-execute this binary as a child process; serve them
	// before anything else.
	lesson.ServeChild(lessons.All()...)
	testscript.Main(m, map[string]func(){"conclab": conclabMain})
}

// TestScripts runs the command-line scenarios in testdata/script: each
// .txtar file is one story told as commands and the output they give.
func TestScripts(t *testing.T) {
	goEnv := goEnvVars(t)
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		// [racebuild]: this test binary (the scripts' conclab) was built
		// with -race, so demos that need the detector have it already.
		Condition: func(cond string) (bool, error) {
			if cond == "racebuild" {
				return lesson.RaceEnabled, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Setup: func(env *testscript.Env) error {
			env.Setenv("CONCLAB_STATE", filepath.Join(env.WorkDir, "progress.json"))
			env.Setenv("XDG_CACHE_HOME", filepath.Join(env.WorkDir, ".cache"))
			env.Setenv("CONCLAB_TEST_SOLUTIONS", solutionsDir)
			for k, v := range goEnv {
				env.Setenv(k, v)
			}
			return nil
		},
	})
}

// goEnvVars passes the go command's caches through to scripts, whose HOME
// is not a real home: a script that builds (run --race, grade) reuses them.
func goEnvVars(t *testing.T) map[string]string {
	vars := map[string]string{}
	out, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE", "GOPATH", "GOFLAGS", "GOPROXY").Output()
	if err != nil {
		t.Logf("go env: %v (scripts that build will not have the caches)", err)
		return vars
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	for i, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOFLAGS", "GOPROXY"} {
		if i < len(lines) && lines[i] != "" {
			vars[k] = lines[i]
		}
	}
	if p := os.Getenv("PATH"); p != "" {
		vars["PATH"] = p
	}
	return vars
}
