// Package progress keeps a learner's progress in one small JSON file:
// lessons opened, demos run, exercises solved and hints seen.
//
// The file is written atomically (a temporary file in the same folder,
// fsync, rename), so a crash or Ctrl-C never leaves half a file. A file
// that cannot be read as progress is never deleted: it is set aside under
// a new name and reported, and the learner starts from a fresh state.
package progress

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// EnvPath names the environment variable that overrides the file's
// location (tests set it to a temporary file).
const EnvPath = "CONCLAB_STATE"

// Version is the format of the file this package writes.
const Version = 1

// State is everything conclab remembers about a learner.
type State struct {
	Version   int                          `json:"version"`
	Lessons   map[string]*LessonProgress   `json:"lessons"`   // by lesson slug
	Exercises map[string]*ExerciseProgress `json:"exercises"` // by exercise slug
}

// LessonProgress is what the learner did with one lesson.
type LessonProgress struct {
	Opened   time.Time `json:"opened"`
	DemosRun []string  `json:"demos_run,omitempty"`
}

// ExerciseProgress is what the learner did with one exercise.
type ExerciseProgress struct {
	Solved      bool      `json:"solved"`
	SolvedAt    time.Time `json:"solved_at,omitzero"`
	HintsShown  int       `json:"hints_shown"`
	Attempts    int       `json:"attempts"`
	LastVerdict string    `json:"last_verdict,omitempty"`
}

// New returns an empty state.
func New() *State {
	return &State{
		Version:   Version,
		Lessons:   map[string]*LessonProgress{},
		Exercises: map[string]*ExerciseProgress{},
	}
}

// Path returns where the state file lives: $CONCLAB_STATE, or
// progress.json in conclab's folder of the user's config directory.
func Path(getenv func(string) string) (string, error) {
	if p := getenv(EnvPath); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding a place for progress (set %s): %w", EnvPath, err)
	}
	return filepath.Join(dir, "conclab", "progress.json"), nil
}

// Load reads the state at path. A missing file is an empty state. A file
// that is not valid progress is renamed aside and an empty state returned,
// with a one-line warning saying where the old file went; err is only for
// a file that can be neither read nor set aside.
func Load(path string) (st *State, warning string, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return New(), "", nil
	}
	if err == nil {
		st = New()
		if err = json.Unmarshal(data, st); err == nil && st.Version > Version {
			err = fmt.Errorf("format version %d is newer than this conclab's %d", st.Version, Version)
		}
		if err == nil {
			st.fill()
			return st, "", nil
		}
	}
	aside := fmt.Sprintf("%s.corrupt-%s", path, time.Now().Format("20060102-150405"))
	if rerr := os.Rename(path, aside); rerr != nil {
		return New(), "", fmt.Errorf("progress file %s is unreadable (%v) and could not be set aside: %w", path, err, rerr)
	}
	return New(), fmt.Sprintf("progress file %s was unreadable (%v); kept it as %s and started afresh", path, err, aside), nil
}

// fill makes the maps of a state read from an older or partial file usable.
func (s *State) fill() {
	s.Version = Version
	if s.Lessons == nil {
		s.Lessons = map[string]*LessonProgress{}
	}
	if s.Exercises == nil {
		s.Exercises = map[string]*ExerciseProgress{}
	}
	for k, v := range s.Lessons {
		if v == nil {
			delete(s.Lessons, k)
		}
	}
	for k, v := range s.Exercises {
		if v == nil {
			delete(s.Exercises, k)
		}
	}
}

// Save writes the state to path atomically.
func (s *State) Save(path string) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, append(data, '\n'), 0o644)
}

// Update loads the state at path, applies change and saves it.
func Update(path string, change func(*State)) (warning string, err error) {
	st, warning, err := Load(path)
	if err != nil {
		return warning, err
	}
	change(st)
	return warning, st.Save(path)
}

// Lesson returns the progress of lesson slug, making it on first use.
func (s *State) Lesson(slug string) *LessonProgress {
	p := s.Lessons[slug]
	if p == nil {
		p = &LessonProgress{}
		s.Lessons[slug] = p
	}
	return p
}

// Exercise returns the progress of exercise slug, making it on first use.
func (s *State) Exercise(slug string) *ExerciseProgress {
	p := s.Exercises[slug]
	if p == nil {
		p = &ExerciseProgress{}
		s.Exercises[slug] = p
	}
	return p
}

// OpenLesson records that the learner opened lesson (the first time
// counts).
func (s *State) OpenLesson(lesson string) *LessonProgress {
	p := s.Lesson(lesson)
	if p.Opened.IsZero() {
		p.Opened = time.Now()
	}
	return p
}

// RanDemo records that demo of lesson was run.
func (s *State) RanDemo(lesson, demo string) {
	p := s.OpenLesson(lesson)
	for _, d := range p.DemosRun {
		if d == demo {
			return
		}
	}
	p.DemosRun = append(p.DemosRun, demo)
}

// WriteFileAtomic writes data to path so that readers see either the old
// file or the new one, never a mix: a temporary file in the same folder,
// synced, then renamed over path.
func WriteFileAtomic(path string, data []byte, perm fs.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// Sync the folder so the rename itself survives a crash.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
