package grade

import (
	"context"
	"regexp"
	"slices"
	"strings"
)

// confirmAfterDeadlock runs again the tests of every exercise whose run
// the watchdog stopped at a proven deadlock. Stopped early, that run
// never reached its census, so nothing it reported passing can be
// trusted (a submission could print passes for every test and then
// deadlock on purpose), and the tests after the deadlocked one never ran.
// The tests but the deadlocked ones run again, round after round, until
// a run reaches its census (sealed: its passes count) or a round ends
// otherwise (a timeout, a crash: what passed in it does not count). Each
// round costs one go test over the exercises concerned, their builds
// cached.
func confirmAfterDeadlock(ctx context.Context, opts Options, inv invocation, byPkg map[string]*ExerciseResult) {
	pending := map[string][]string{} // package -> tests to run again
	for pkg, er := range byPkg {
		if er.sealedDone || er.Verdict != Deadlock || provenStuck(er.run) == "" {
			continue
		}
		for _, t := range er.Tests {
			if t.Verdict != Deadlock {
				pending[pkg] = append(pending[pkg], t.Name)
			}
		}
		if len(pending[pkg]) == 0 {
			delete(pending, pkg)
		}
	}
	for round := 0; len(pending) > 0 && ctx.Err() == nil && round < 8; round++ {
		var pkgs, names []string
		for pkg, tests := range pending {
			pkgs = append(pkgs, pkg)
			names = append(names, tests...)
		}
		slices.Sort(pkgs)
		// The census must run too: its line on the sealed pipe is what
		// makes the round's passes count.
		names = append(names, censusTest)
		slices.Sort(names)
		names = slices.Compact(names)
		quoted := make([]string, len(names))
		for i, n := range names {
			quoted[i] = regexp.QuoteMeta(n)
		}
		again := inv
		again.pkgs = pkgs
		again.args = append(slices.Clone(inv.args), "-run", "^("+strings.Join(quoted, "|")+")$")
		x := NewExecution(opts.OutputCap)
		sealed, err := goTestSealed(ctx, again, x)
		if err != nil || ctx.Err() != nil {
			break
		}
		for _, pkg := range pkgs {
			er, p := byPkg[pkg], x.Packages[pkg]
			if p == nil {
				delete(pending, pkg)
				continue
			}
			learner := func(file string) bool { _, ok := er.Files[file]; return ok }
			judged := Judge(p, pending[pkg], er.Exercise.PointsFor, learner)
			stuck := provenStuck(p)
			for _, j := range judged {
				t := er.test(j.Name)
				switch {
				case sealed[pkg]:
					*t = *j // a finished run: what passed, passed
				case stuck != "" && j.Verdict == Deadlock:
					*t = *j
				case j.Verdict == Pass:
					t.Verdict, t.Points = Fail, 0
					t.Message = "not trusted: it passed in a run that did not finish"
				case !strings.HasPrefix(j.Message, "did not run"):
					*t = *j
				}
			}
			var next []string
			for _, name := range pending[pkg] {
				if t := er.test(name); stuck != "" && !sealed[pkg] && t.Verdict != Deadlock {
					next = append(next, name) // another deadlock stopped this round: once more without it
				}
			}
			if len(next) > 0 {
				pending[pkg] = next
			} else {
				delete(pending, pkg)
			}
		}
	}
	for pkg, er := range byPkg {
		if er.sealedDone || er.Verdict != Deadlock || provenStuck(er.run) == "" {
			continue
		}
		if names, ok := pending[pkg]; ok {
			// Rounds ran out: what is still pending was never confirmed.
			for _, name := range names {
				if t := er.test(name); t.Verdict == Pass {
					t.Verdict, t.Points = Fail, 0
					t.Message = "not trusted: it passed in a run that did not finish"
				}
			}
		}
		er.Points = 0
		for _, t := range er.Tests {
			if t.Verdict == Pass {
				er.Points += t.Points
			}
		}
	}
}

// test is er's result for the test named name.
func (er *ExerciseResult) test(name string) *TestResult {
	for _, t := range er.Tests {
		if t.Name == name {
			return t
		}
	}
	t := &TestResult{Name: name}
	er.Tests = append(er.Tests, t)
	return t
}
