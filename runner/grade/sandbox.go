package grade

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// The graded code runs with a home and a temporary folder of its own,
// inside the grader's scratch folder (removed afterwards): what it writes
// there, and what a cache or a config file of a library would, never
// reaches the learner's or the CI machine's home.
//
// The go command finds its build cache, module cache and settings from
// HOME, so they are pinned to where they were: a new HOME must not mean a
// cold cache (minutes of -race builds).

// goCommandDirs are the go command's folders, as `go env` says them before HOME
// changes: "GOCACHE=...", ...
var goCommandDirs = sync.OnceValue(func() []string {
	var env []string
	for _, name := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOENV"} {
		if v := goEnv("", name); v != "" {
			env = append(env, name+"="+v)
		}
	}
	return env
})

// runTagEnv names the variable that marks every process of one grading
// run: whatever the graded code starts inherits it, in a new session
// too, so that the grader can find and end those processes (reap.go).
const runTagEnv = "CONCLAB_GRADE_RUN"

// sandboxEnv makes a home and a temporary folder under scratch and
// returns the environment that points the graded code at them, with a
// fresh run tag.
func sandboxEnv(scratch string) (env []string, tag string, err error) {
	home, tmp := filepath.Join(scratch, "home"), filepath.Join(scratch, "tmp")
	for _, d := range []string{home, tmp} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, "", err
		}
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	tag = hex.EncodeToString(b)
	env = append(slices.Clone(goCommandDirs()),
		"HOME="+home, "USERPROFILE="+home, // Windows
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"),
		"TMPDIR="+tmp, "TEMP="+tmp, "TMP="+tmp,
		runTagEnv+"="+tag)
	return env, tag, nil
}

// stamp is what a file looked like: enough to see that it was written.
type stamp struct {
	size int64
	mod  time.Time
	mode fs.FileMode
}

// maxWatched bounds the files a snapshot looks at: a workspace with more
// than that is not watched past it (the note says so).
const maxWatched = 20_000

// snapshot records the files under roots (not following links, skipping
// .git): their size, modification time and mode.
func snapshot(roots ...string) map[string]stamp {
	files := map[string]stamp{}
	for _, root := range roots {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() && d.Name() == ".git" {
				return filepath.SkipDir
			}
			if len(files) >= maxWatched {
				return filepath.SkipAll
			}
			if info, err := d.Info(); err == nil {
				files[p] = stamp{info.Size(), info.ModTime(), info.Mode()}
			}
			return nil
		})
	}
	return files
}

// changed lists what differs between two snapshots: "wrote p",
// "created p", "removed p", in path order.
func changed(before, after map[string]stamp) []string {
	var out []string
	for p, a := range after {
		b, ok := before[p]
		switch {
		case !ok:
			out = append(out, "created "+p)
		case a.mode.IsRegular() && (a.size != b.size || !a.mod.Equal(b.mod)) || a.mode != b.mode:
			out = append(out, "wrote "+p)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			out = append(out, "removed "+p)
		}
	}
	slices.SortFunc(out, func(x, y string) int {
		_, px, _ := strings.Cut(x, " ")
		_, py, _ := strings.Cut(y, " ")
		return strings.Compare(px, py)
	})
	return out
}

// workspaceNotes turns the changes seen during grading into notes for
// the exercises: a change inside an exercise's folder (of the submission
// or of the grader's tree) is that exercise's; any other goes to every
// exercise that ran. Paths are shown relative to what the learner knows.
func workspaceNotes(changes []string, ers []*ExerciseResult, dirs map[*ExerciseResult][]string, show func(string) string) {
	const most = 10
	per := map[*ExerciseResult][]string{}
	for _, c := range changes {
		verb, p, _ := strings.Cut(c, " ")
		owners := []*ExerciseResult{}
		for _, er := range ers {
			for _, d := range dirs[er] {
				if p == d || strings.HasPrefix(p, d+string(filepath.Separator)) {
					owners = append(owners, er)
					break
				}
			}
		}
		if len(owners) == 0 {
			for er := range dirs {
				owners = append(owners, er)
			}
		}
		for _, er := range owners {
			per[er] = append(per[er], verb+" "+show(p))
		}
	}
	for er, cs := range per {
		more := ""
		if len(cs) > most {
			more = fmt.Sprintf(" (and %d more)", len(cs)-most)
			cs = cs[:most]
		}
		er.Notes = append(er.Notes, "the workspace changed while the tests ran (the graded code writes where it should not?): "+strings.Join(cs, ", ")+more)
	}
}
