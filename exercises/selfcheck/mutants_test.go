package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/exercises/selfcheck/mutate"
)

// runOf builds what readRuns would have made of a package's go test: its
// final action and, per test, "p" (pass), "f" (fail) or "-" (began and
// never ended: the binary died in it) for each run, e.g. "ff-".
func runOf(action string, tests map[string]string) *pkgRun {
	r := newPkgRun()
	r.Action = action
	for name, runs := range tests {
		for _, c := range runs {
			r.Starts[name]++
			switch c {
			case 'p':
				r.Results[name] = append(r.Results[name], "pass")
			case 'f':
				r.Results[name] = append(r.Results[name], "fail")
			}
		}
	}
	return r
}

func TestTally(t *testing.T) {
	for _, tc := range []struct {
		name            string
		action          string
		tests           map[string]string
		watched, killed int
	}{
		{"passes every run", "pass", map[string]string{"TestA": "ppppp", "TestB": "ppppp"}, 5, 0},
		{"a test fails every run", "fail", map[string]string{"TestA": "fffff", "TestB": "ppppp"}, 5, 5},
		{"different tests kill different runs", "fail", map[string]string{"TestA": "fpfpf", "TestB": "pfpfp"}, 5, 5},
		{"one run lets it live", "fail", map[string]string{"TestA": "ffpff", "TestB": "ppppp"}, 5, 4},
		{"goleak at exit, every run passed", "fail", map[string]string{"TestA": "ppppp"}, 5, 5},
		{"goleak at exit does not excuse a run that passed", "fail", map[string]string{"TestA": "fpfff"}, 5, 4},
		{"panic in the second run, reported as the test's failure", "fail",
			map[string]string{"TestA": "fp", "TestB": "ff", "TestC": "f"}, 2, 2},
		{"fatal error in the first run, the test never ended", "fail", map[string]string{"TestA": "p", "TestB": "-"}, 1, 1},
		{"died in a test of the third run after two that passed", "fail", map[string]string{"TestA": "ppp", "TestB": "pp-"}, 3, 1},
		{"died before any test began", "fail", nil, 1, 1},
		{"died between the second and the third run", "fail", map[string]string{"TestA": "ff", "TestB": "pp"}, 3, 3},
		{"died after the first run's last test seen: counted in that run", "fail", map[string]string{"TestA": "f", "TestB": "p"}, 1, 1},
		{"one run, passes", "pass", map[string]string{"TestA": "p"}, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			watched, killed := tally(runOf(tc.action, tc.tests), 5)
			assert.Equal(t, tc.watched, watched, "runs watched")
			assert.Equal(t, tc.killed, killed, "runs that killed the mutant")
		})
	}
}

func TestRecordDecidesOnlyOnce(t *testing.T) {
	m := &mutant{}
	m.record(runOf("fail", map[string]string{"TestA": "f-"}), 5, 5)
	require.Equal(t, fate(""), m.fate, "2 of 5 runs watched, both killed: runs are owed")
	assert.Equal(t, 2, m.runs)
	assert.Equal(t, vFail, m.verdict, "the verdict is the first go test's")
	for range 3 {
		m.record(runOf("fail", map[string]string{"TestA": "f"}), 1, 5)
	}
	assert.Equal(t, fKilled, m.fate, "killed in every one of 5 runs")
	m.record(runOf("pass", map[string]string{"TestA": "p"}), 1, 5)
	assert.Equal(t, fKilled, m.fate, "a run recorded after the decision changes nothing")

	m = &mutant{}
	m.record(runOf("fail", map[string]string{"TestA": "-"}), 5, 5)
	m.record(runOf("pass", map[string]string{"TestA": "p"}), 1, 5)
	assert.Equal(t, fSurvived, m.fate, "one run that passed is enough to survive")
	assert.Equal(t, 1, m.kills)

	m = &mutant{}
	b := newPkgRun()
	b.BuildFailed = true
	m.record(b, 5, 5)
	assert.Equal(t, fStillborn, m.fate)

	m = &mutant{}
	m.record(runOf("pass", nil), 5, 5)
	assert.Equal(t, fSurvived, m.fate, "no test ran: nothing killed it")
}

func TestRoundsOf(t *testing.T) {
	a, b := &exercise{}, &exercise{}
	a1, a2, b1 := &mutant{key: "a1"}, &mutant{key: "a2"}, &mutant{key: "b1"}
	rounds := roundsOf([]*exercise{a, b}, []job{{a, a1, 5}, {a, a2, 5}, {b, b1, 5}, {a, a1, 1}, {a, a1, 1}})
	var got []string
	for _, r := range rounds {
		var keys []string
		for _, j := range r {
			keys = append(keys, j.m.key+"×"+string(rune('0'+j.count)))
		}
		got = append(got, strings.Join(keys, " "))
	}
	assert.Equal(t, []string{"a1×1", "a1×1", "a1×5 b1×5", "a2×5"}, got,
		"one count per round, one mutant per exercise per round")
}

func TestSample(t *testing.T) {
	var ms []mutate.Mutant
	for i, op := range []mutate.Operator{mutate.DeleteLockPair, mutate.DeleteLockPair, mutate.DeleteLockPair, mutate.RemoveDefer, mutate.DropRecover} {
		ms = append(ms, mutate.Mutant{Operator: op, Line: i + 1})
	}
	assert.Equal(t, []int{0, 1, 3, 4}, sample(ms, 4, 0), "every operator first, then the second of each, in source order")
	assert.Equal(t, []int{0, 1, 2, 3, 4}, sample(ms, 9, 0), "a sample larger than all is all")

	// With a seed: still every operator first, the same sample for the
	// same seed, and, over seeds, every mutant of an operator in turn.
	seen := map[int]bool{}
	for seed := uint64(1); seed <= 20; seed++ {
		got := sample(ms, 3, seed)
		assert.Equal(t, got, sample(ms, 3, seed), "seed %d: the same seed must give the same sample", seed)
		assert.Len(t, got, 3)
		assert.Subset(t, got, []int{3, 4}, "seed %d: one mutant of each operator comes first", seed)
		for _, i := range got {
			seen[i] = true
		}
	}
	assert.Len(t, seen, 5, "20 seeds must between them sample every mutant; sampled %v", seen)
}

func TestParseMutantsMode(t *testing.T) {
	for in, want := range map[string]mutantsMode{"": {}, "all": {on: true}, "sample=3": {on: true, sample: 3}} {
		got, err := parseMutantsMode(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"some", "sample=0", "sample=x", "sample="} {
		_, err := parseMutantsMode(bad)
		assert.Error(t, err, "-mutants %q must be refused", bad)
	}
}

func TestLoadEquivalents(t *testing.T) {
	write := func(text string) *checker {
		root := t.TempDir()
		path := filepath.Join(root, equivalentFile)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
		return &checker{root: root}
	}
	c := write("# a comment\n\n04-transfer transfer.go:64 swap-locks: higher ID first is an order too\n")
	require.NoError(t, c.loadEquivalents())
	assert.Equal(t, map[string]string{"04-transfer transfer.go:64 swap-locks": "higher ID first is an order too"}, c.equivalents)

	for text, msg := range map[string]string{
		"04-transfer transfer.go:64 swap-locks\n":            "want \"NN-slug",
		"04-transfer transfer.go:64 swap-lock: a reason\n":   "no operator \"swap-lock\"",
		"04-transfer transfer.go:64 swap-locks:   \n":        "say why",
		"transfer transfer.go:64 swap-locks: a reason\n":     "want \"NN-slug",
		"04-transfer transfer.go:x64 swap-locks: a reason\n": "want \"NN-slug",
	} {
		err := write(text).loadEquivalents()
		assert.ErrorContains(t, err, msg, "%q", text)
		assert.ErrorContains(t, err, "equivalent.txt:1:", "the error names the line")
	}
}

// TestEquivalentFileLoads keeps the checked-in equivalent.txt readable.
func TestEquivalentFileLoads(t *testing.T) {
	root, err := moduleRoot()
	require.NoError(t, err)
	c := &checker{root: root}
	require.NoError(t, c.loadEquivalents())
	for key := range c.equivalents {
		dir, _, _ := strings.Cut(key, " ")
		_, err := os.Stat(filepath.Join(root, "solutions", dir))
		assert.NoError(t, err, "%s names no exercise", key)
	}
}
