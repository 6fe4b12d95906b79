package grade

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/exercises"
)

// TestAtexitSleepMeasure is the measurement behind goraceOptions'
// atexit_sleep_ms=0, run on demand (it grades for many minutes):
//
//	CONCLAB_ATEXIT_TRIALS=20 go test -run AtexitSleepMeasure -v -timeout 2h ./runner/grade
//
// It grades every racy wrong fixture (first line "// want: race") and the
// counter's untouched stub, trials times each with the race runtime's
// default atexit_sleep_ms (1000) and with 0, alternating the two, and
// compares the verdicts and the number of race reports; then it times
// grading every reference solution with each setting, alternating.
func TestAtexitSleepMeasure(t *testing.T) {
	trials, _ := strconv.Atoi(os.Getenv("CONCLAB_ATEXIT_TRIALS"))
	if trials <= 0 {
		t.Skip("a measurement: set CONCLAB_ATEXIT_TRIALS=20 to run it")
	}
	root, err := FindRoot(".")
	require.NoError(t, err)
	base := strings.TrimSpace(strings.Replace(goraceOptions, "atexit_sleep_ms=0", "", 1))
	settings := []string{base, "atexit_sleep_ms=0 " + base}
	defer func(old string) { goraceOptions = old }(goraceOptions)

	// Slots: slot k grades the k-th racy submission of every exercise
	// that has one, so that one go test run covers many of them.
	type racy struct {
		ex   exercises.Exercise
		name string
		src  []byte
	}
	var slots [][]racy
	for _, ex := range exercises.All() {
		var mine []racy
		if ex.Slug == "counter" {
			b, err := fs.ReadFile(exercises.Canonical, ex.Dir()+"/"+ex.Files[0])
			require.NoError(t, err)
			mine = append(mine, racy{ex, "stub", b})
		}
		entries, _ := fs.ReadDir(exercises.Canonical, ex.Dir()+"/testdata/wrong")
		for _, e := range entries {
			b, err := fs.ReadFile(exercises.Canonical, ex.Dir()+"/testdata/wrong/"+e.Name())
			require.NoError(t, err)
			if first, _, _ := strings.Cut(string(b), "\n"); strings.TrimSpace(strings.TrimPrefix(first, "// want:")) == "race" {
				mine = append(mine, racy{ex, e.Name(), b})
			}
		}
		for k, r := range mine {
			if k == len(slots) {
				slots = append(slots, nil)
			}
			slots[k] = append(slots[k], r)
		}
	}

	type key struct{ setting, fixture string }
	verdicts := map[key]map[Verdict]int{}
	reports := map[key]int{}
	// after counts the reports outside every test: printed once the
	// tests were over, which is what the exit sleep could cut off.
	after := map[key]int{}
	rounds := map[string][]string{}
	var fixtures []string
	wall := map[string]time.Duration{}
	for trial := range trials {
		for k, slot := range slots {
			sub := t.TempDir()
			var exs []exercises.Exercise
			for _, r := range slot {
				dir := filepath.Join(sub, r.ex.Dir())
				require.NoError(t, os.MkdirAll(dir, 0o755))
				require.NoError(t, os.WriteFile(filepath.Join(dir, r.ex.Files[0]), r.src, 0o644))
				exs = append(exs, r.ex)
			}
			for i := range settings {
				setting := settings[(i+trial)%2] // alternate which goes first
				goraceOptions = setting
				start := time.Now()
				res, err := Grade(context.Background(), Options{Root: root, Submission: sub, Exercises: exs})
				require.NoError(t, err)
				wall[setting] += time.Since(start)
				rounds[setting] = append(rounds[setting], fmt.Sprintf("%.1f", time.Since(start).Seconds()))
				for j, er := range res.Exercises {
					f := slot[j].ex.Dir() + "/" + slot[j].name
					if !slices.Contains(fixtures, f) {
						fixtures = append(fixtures, f)
					}
					kk := key{setting, f}
					if verdicts[kk] == nil {
						verdicts[kk] = map[Verdict]int{}
					}
					verdicts[kk][er.Verdict]++
					// er.Output holds the package's output and every
					// failed test's.
					n := strings.Count(er.Output, "WARNING: DATA RACE")
					reports[kk] += n
					for _, tr := range er.Tests {
						if tr.Verdict != Pass {
							n -= strings.Count(tr.Output, "WARNING: DATA RACE")
						}
					}
					after[kk] += n
				}
			}
			t.Logf("trial %d slot %d done", trial+1, k)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d trials per fixture and setting\n%-40s %-45s %-45s\n", trials, "fixture", "default (1000 ms)", "atexit_sleep_ms=0")
	changed := 0
	for _, f := range fixtures {
		var cells, vs []string
		for _, s := range settings {
			v := verdicts[key{s, f}]
			var parts []string
			for _, name := range slices.Sorted(maps.Keys(v)) {
				parts = append(parts, fmt.Sprintf("%s %d", name, v[name]))
			}
			vs = append(vs, strings.Join(parts, ", "))
			cells = append(cells, fmt.Sprintf("%s; %d reports, %d after the tests", strings.Join(parts, ", "), reports[key{s, f}], after[key{s, f}]))
		}
		if vs[0] != vs[1] {
			changed++
		}
		fmt.Fprintf(&b, "%-40s %-45s %-45s\n", f, cells[0], cells[1])
	}
	fmt.Fprintf(&b, "grading wall time, all racy rounds: default %.1fs, atexit_sleep_ms=0 %.1fs\n", wall[settings[0]].Seconds(), wall[settings[1]].Seconds())
	fmt.Fprintf(&b, "per round (slot by slot): default %s\n  atexit_sleep_ms=0 %s\n", strings.Join(rounds[settings[0]], " "), strings.Join(rounds[settings[1]], " "))
	t.Log("\n" + b.String())

	// Grading every reference solution, side by side.
	sols := filepath.Join(root, "solutions")
	sub := t.TempDir()
	all := exercises.All()
	for _, ex := range all {
		for _, f := range ex.Files {
			src, err := os.ReadFile(filepath.Join(sols, ex.Dir(), f))
			require.NoError(t, err)
			require.NoError(t, os.MkdirAll(filepath.Join(sub, ex.Dir()), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(sub, ex.Dir(), f), src, 0o644))
		}
	}
	times := map[string][]string{}
	for round := range max(3, trials/4) {
		for i := range settings {
			setting := settings[(i+round)%2]
			goraceOptions = setting
			start := time.Now()
			res, err := Grade(context.Background(), Options{Root: root, Submission: sub, Exercises: all})
			require.NoError(t, err)
			require.True(t, res.Passed, "the reference solutions pass")
			times[setting] = append(times[setting], fmt.Sprintf("%.2f", time.Since(start).Seconds()))
		}
	}
	t.Logf("grading all %d reference solutions, wall seconds per round:\n  default:           %s\n  atexit_sleep_ms=0: %s",
		len(all), strings.Join(times[settings[0]], " "), strings.Join(times[settings[1]], " "))
	t.Logf("fixtures whose verdicts differ: %d", changed)
}
