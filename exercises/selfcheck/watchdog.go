package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/conclab/conclab/runner/grade"
)

// The self-check runs the exercises' tests as the grader does: with the
// grader's watchdog and census laid over each package (grade.WatchdogTest)
// and the runtime's goroutine leak profile on (grade.LeakProfileEnv). The
// tests then leave deadlocks to the watchdog, which proves one as it forms
// and ends the test binary, instead of waiting out each test's own
// deadline: a deadlocking mutant costs a fraction of a second per run, not
// a minute, and it gets the verdict a learner's answer would get.

// layWatchdogs writes the watchdog test file of every exercise under check
// into dir, and notes where each goes over its package.
func (c *checker) layWatchdogs(dir string) error {
	c.env = grade.LeakProfileEnv()
	if len(c.env) == 0 {
		return nil // no leak profile on this toolchain: the tests keep their own deadlines
	}
	for _, x := range c.exs {
		pkgDir := filepath.Join(c.root, "exercises", x.Dir())
		tests := map[string][]byte{}
		names, _ := filepath.Glob(filepath.Join(pkgDir, "*_test.go"))
		for _, p := range names {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			tests[filepath.Base(p)] = b
		}
		name, src, err := grade.WatchdogTest(tests, x.pkg, slices.Sorted(maps.Keys(x.solution)))
		if err != nil {
			return fmt.Errorf("%s: the watchdog: %v", x.ID(), err)
		}
		path := filepath.Join(dir, x.Dir()+"-"+name)
		if err := os.WriteFile(path, src, 0o644); err != nil {
			return err
		}
		x.watchdog = map[string]string{filepath.Join(pkgDir, name): path}
	}
	return nil
}

// goTest runs go test over the packages of exs (goTestEnv) with overlay,
// the exercises' watchdogs, their learner files gapped where they have
// Gaps (gaps.go), and env (on top of the leak profile's).
func (c *checker) goTest(ctx context.Context, env []string, overlay map[string]string, exs []*exercise, args ...string) (map[string]*pkgRun, error) {
	all := maps.Clone(overlay)
	if all == nil {
		all = map[string]string{}
	}
	for _, x := range exs {
		maps.Copy(all, x.watchdog)
		if err := c.withGaps(all, x); err != nil {
			return nil, fmt.Errorf("%s: laying the gaps: %v", x.ID(), err)
		}
	}
	return goTestEnv(ctx, append(append([]string(nil), c.env...), env...), c.root, all, pkgsOf(exs), args...)
}
