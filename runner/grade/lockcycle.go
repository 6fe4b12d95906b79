package grade

import (
	"context"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// explainLockCycles runs the exercises that deadlocked on locks once more,
// without the race detector and with go-deadlock's Mutex and RWMutex in
// place of package sync's in the learner's files (through the overlay:
// the learner's files do not change). A goroutine dump shows who waits
// for a lock, not who holds it; go-deadlock records both, so it names the
// two orders of a wait-for cycle the moment it forms, or, for a lock that
// is never released, where it was taken.
func explainLockCycles(ctx context.Context, opts Options, ers []*ExerciseResult, overlay map[string]string, tmp string) {
	swapped := maps.Clone(overlay)
	byPkg := map[string]*ExerciseResult{}
	var pkgs []string
	var longest time.Duration
	for _, er := range ers {
		if er.Verdict != Deadlock || !waitsOnLocks(er) {
			continue
		}
		any := false
		for target, learner := range er.Files {
			src, err := os.ReadFile(learner)
			if err != nil {
				continue
			}
			out, ok := swapLocks(src)
			if !ok {
				continue
			}
			dst := filepath.Join(tmp, "lockcycle-"+er.Exercise.Dir()+"-"+filepath.Base(target))
			if os.WriteFile(dst, out, 0o644) != nil {
				continue
			}
			swapped[target] = dst
			if opts.aliases != nil {
				opts.aliases[dst] = target
			}
			if f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.PackageClauseOnly); err == nil && !any {
				cfg := filepath.Join(tmp, "lockcycle-"+er.Exercise.Dir()+"-"+deadlockConfigFile)
				if os.WriteFile(cfg, deadlockConfig(f.Name.Name, deadlockWait), 0o644) == nil {
					swapped[filepath.Join(filepath.Dir(target), deadlockConfigFile)] = cfg
				}
			}
			any = true
		}
		if any {
			pkg := Module + "/exercises/" + er.Exercise.Dir()
			pkgs = append(pkgs, pkg)
			byPkg[pkg] = er
			longest = max(longest, limitOf(er.Exercise))
		}
	}
	if len(pkgs) == 0 {
		return
	}
	x := NewExecution(opts.OutputCap)
	args := []string{"-count=1", "-vet=off", "-timeout", longest.String()}
	inv := opts.gradedRun(invocation{dir: opts.Root, overlay: swapped, tmp: tmp, pkgs: pkgs, args: args, log: opts.Log})
	if err := goTest(ctx, inv, x); err != nil {
		return
	}
	for pkg, er := range byPkg {
		p := x.Packages[pkg]
		if p == nil {
			continue
		}
		text := p.Output.Kept()
		for _, name := range p.TestOrder {
			text += p.Tests[name].Output.Kept()
		}
		src := sources{files: er.Files, own: opts.Own, root: opts.Root, aliases: opts.aliases, seen: map[string]bool{}}
		findings := explainLockOrder(text, filepath.Join(opts.Root, "exercises", er.Exercise.Dir()), src)
		if len(findings) == 0 {
			continue
		}
		er.Explanation = append(er.Explanation, "run again with go-deadlock, which records who holds each lock:")
		for _, f := range findings {
			er.found(f.kind)
			for _, l := range f.lines {
				er.Explanation = append(er.Explanation, "  "+l)
			}
			// Shown as the first run's are, so that the same line merges.
			rewriteLocations(f.locs, relativePaths(opts))
			er.Locations = sortLocations(append(er.Locations, f.locs...))
		}
	}
}

// waitsOnLocks reports whether goroutines of er were blocked on a Mutex or
// an RWMutex.
func waitsOnLocks(er *ExerciseResult) bool {
	text := er.census + er.Output
	return strings.Contains(text, "sync.(*Mutex).Lock") || strings.Contains(text, "sync.(*RWMutex).")
}
