package runner

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/runner/progress"
)

func init() {
	register(Command{
		Name:    "reset",
		Args:    "<exercise> [--yes]",
		Summary: "put an exercise's stub back (your file is kept as a timestamped backup)",
		Order:   58,
		Setup: func(fs *flag.FlagSet) func(context.Context, *App, []string) error {
			yes := fs.Bool("yes", false, "do not ask (for scripts)")
			return func(_ context.Context, app *App, args []string) error {
				if len(args) != 1 {
					return Usagef("reset needs one exercise; valid: %s", exerciseNames())
				}
				ex, err := exercises.Find(args[0])
				if err != nil {
					return Usagef("%v", err)
				}
				if !*yes && !app.StdinTTY {
					// Nobody can answer: never wait on a pipe.
					return Usagef("reset %s would replace your %s; add --yes to confirm (no terminal to ask on)", ex.Slug, strings.Join(ex.Files, ", "))
				}
				wd, err := os.Getwd()
				if err != nil {
					return err
				}
				root, err := learnerWorkspace(wd)
				if err != nil {
					return Usagef("%v", err)
				}
				if !*yes {
					app.Printf("Replace your %s with the untouched stub of %s? A backup is kept. [y/N] ", strings.Join(ex.Files, ", "), ex.ID())
					answer, _ := bufio.NewReader(app.Stdin).ReadString('\n')
					if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
						app.Printf("Nothing changed.\n")
						return nil
					}
				}
				return resetExercise(app, root, ex, time.Now())
			}
		},
	})
}

// resetExercise saves each of the learner's files of ex as a timestamped
// backup beside it and writes the embedded stub in its place.
func resetExercise(app *App, root string, ex exercises.Exercise, now time.Time) error {
	dir := filepath.Join(root, "exercises", ex.Dir())
	stamp := now.Format("20060102-150405")
	for _, f := range ex.Files {
		stub, err := fs.ReadFile(exercises.Canonical, ex.Dir()+"/"+f)
		if err != nil {
			return fmt.Errorf("no embedded stub for %s: %w", f, err)
		}
		path := filepath.Join(dir, f)
		if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, stub) {
			app.Printf("%s is already the untouched stub: nothing to save.\n", relPath(path))
			continue
		} else if err == nil {
			backup, err := saveBackup(path, stamp, old)
			if err != nil {
				return fmt.Errorf("saving a backup of %s: %w", f, err)
			}
			app.Printf("Saved your %s as %s\n", f, relPath(backup))
		}
		if err := progress.WriteFileAtomic(path, stub, 0o644); err != nil {
			return fmt.Errorf("restoring %s: %w", f, err)
		}
		app.Printf("Restored %s from the stub.\n", relPath(path))
	}
	solved := false
	app.Remember(func(st *progress.State) {
		p := st.Exercise(ex.Slug)
		p.LastVerdict = ""
		solved = p.Solved
	})
	if solved {
		// Progress is a record of what the learner achieved; the file is
		// theirs to redo.
		app.Printf("%s stays marked solved in your progress; %s check %s grades the stub now.\n", ex.Slug, selfCommand(), ex.Slug)
	}
	return nil
}

// saveBackup writes data to a new file beside path and returns its
// name: path.STAMP.bak, or path.STAMP-2.bak, -3, ... when two resets
// fall in the same second. The name does not end in .go, so that the
// backup does not join the package's build. A backup never replaces a
// file (it is created with O_EXCL), and it is on disk (synced) before
// reset goes on to overwrite the learner's file.
func saveBackup(path, stamp string, data []byte) (string, error) {
	for n := 1; n <= 1000; n++ {
		name := path + "." + stamp + ".bak"
		if n > 1 {
			name = fmt.Sprintf("%s.%s-%d.bak", path, stamp, n)
		}
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		_, err = f.Write(data)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(name) // a partial backup would pass for a whole one
			return "", err
		}
		if d, err := os.Open(filepath.Dir(name)); err == nil {
			_ = d.Sync() // the backup's name, too, survives a crash
			d.Close()
		}
		return name, nil
	}
	return "", fmt.Errorf("%s has too many backups from %s", filepath.Base(path), stamp)
}

func relPath(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(r, "..") {
			return r
		}
	}
	return p
}
