package grade

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// The grader builds in a module of its own, written from what the binary
// embeds: the module's go.mod and go.sum, and the canonical exercises
// (stubs, tests, statements, the fixtures' folders the clock takes the
// place of). Never in the learner's workspace, whose files are the
// learner's to edit, nor in a checkout, which may hold edited copies: the
// learner's files are laid over it from the submission, as always.
//
// The folder's name is a hash of its contents, in the user's cache: the
// same binary finds it again, so go's build cache (keyed by the package
// folder among others) serves every grading after the first.

// BuildModule writes (once per content) the module the grader builds in
// and returns its folder. module holds go.mod and go.sum; canonical is
// the exercises folder (exercises.Canonical).
func BuildModule(module, canonical fs.FS) (string, error) {
	files := map[string][]byte{}
	for _, name := range []string{"go.mod", "go.sum"} {
		b, err := fs.ReadFile(module, name)
		if err != nil {
			return "", fmt.Errorf("the grader's module: %w", err)
		}
		files[name] = b
	}
	err := fs.WalkDir(canonical, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(canonical, p)
		if err != nil {
			return err
		}
		files[filepath.Join("exercises", filepath.FromSlash(p))] = b
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("the canonical exercises: %w", err)
	}
	h := sha256.New()
	for _, name := range slices.Sorted(maps.Keys(files)) {
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(files[name]))
		h.Write(files[name])
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "conclab", "module-"+hex.EncodeToString(h.Sum(nil))[:16])
	if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && string(b) == string(files["go.mod"]) {
		return dir, nil // written by an earlier run (go.mod is written last)
	}
	// Written beside and renamed into place: two graders starting at once
	// never see a half-written module.
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".module-*")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if name == "go.mod" {
			continue
		}
		if err := writeFileIn(tmp, name, files[name]); err != nil {
			return "", err
		}
	}
	if err := writeFileIn(tmp, "go.mod", files["go.mod"]); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(filepath.Join(dir, "go.mod")); statErr == nil {
			return dir, nil // another grader was first
		}
		return "", errors.Join(fmt.Errorf("the grader's module in %s", dir), err)
	}
	return dir, nil
}

func writeFileIn(dir, name string, b []byte) error {
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, b, 0o644)
}
