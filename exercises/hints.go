package exercises

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
)

// An exercise's hints live in its folder, in HINTS.md, where an author
// edits them as text rather than as Go string literals:
//
//	# Hints: 1 counter
//
//	Anything before the first section is for someone reading the file
//	and is not shown.
//
//	## Hint 1
//
//	A nudge, in prose.
//
//	## Hint 2
//
//	...
//
//	## Hint 3
//
//	Prose, and code as tab-indented, gofmt-formatted lines (which
//	markdown shows as a code block too).
//
// Exactly three sections, "## Hint 1" to "## Hint 3" in order, none
// empty. A section's text is its lines between its heading and the next,
// less the blank lines at either end, byte for byte: conclab hint lays it
// out (runner/cmd_hint.go).

// HintsFile is the name of the hints file in an exercise's folder: part
// of the catalog, not of the learner's workspace (conclab init leaves it
// out; conclab hint shows the hints one at a time).
const HintsFile = "HINTS.md"

// heading matches a markdown heading line ("# x", "## x", "###"...): one
// inside a hint would be shown as a line of text by conclab hint, and as
// a heading when the file is read, so it is refused.
var heading = regexp.MustCompile(`^#{1,6}(\s|$)`)

// parseHints reads the three hints out of a HINTS.md; name (the file's
// path) begins every error.
func parseHints(name string, md []byte) ([3]string, error) {
	var hints [3]string
	section := 0 // the section being read, 0 before the first
	var body []string
	end := func() error {
		if section == 0 {
			return nil
		}
		// Blank lines around a section's text are the markdown's
		// spacing, not the hint's.
		for len(body) > 0 && strings.TrimSpace(body[0]) == "" {
			body = body[1:]
		}
		for len(body) > 0 && strings.TrimSpace(body[len(body)-1]) == "" {
			body = body[:len(body)-1]
		}
		if len(body) == 0 {
			return fmt.Errorf("%s: ## Hint %d is empty", name, section)
		}
		hints[section-1] = strings.Join(body, "\n")
		body = nil
		return nil
	}
	for i, line := range strings.Split(string(md), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if section == 0 && !strings.HasPrefix(line, "## ") {
			continue // the title and a note for the reader
		}
		if !heading.MatchString(line) {
			body = append(body, line)
			continue
		}
		want := fmt.Sprintf("## Hint %d", section+1)
		if section == len(hints) || strings.TrimSpace(line) != want {
			next := "the end of the file after ## Hint 3"
			if section < len(hints) {
				next = want
			}
			return hints, fmt.Errorf("%s:%d: %q where %s belongs: a hints file has exactly three sections, ## Hint 1, ## Hint 2 and ## Hint 3, and no other heading", name, i+1, line, next)
		}
		if err := end(); err != nil {
			return hints, err
		}
		section++
	}
	if err := end(); err != nil {
		return hints, err
	}
	if section < len(hints) {
		return hints, fmt.Errorf("%s: %d of the 3 sections (## Hint 1, ## Hint 2, ## Hint 3)", name, section)
	}
	return hints, nil
}

// loadHints reads e's HINTS.md from fsys (the exercises folder).
func loadHints(fsys fs.FS, e Exercise) ([3]string, error) {
	p := e.Dir() + "/" + HintsFile
	md, err := fs.ReadFile(fsys, p)
	if errors.Is(err, fs.ErrNotExist) {
		return [3]string{}, fmt.Errorf("exercises/%s is missing: every exercise has one, with three sections, ## Hint 1 to ## Hint 3", p)
	}
	if err != nil {
		return [3]string{}, fmt.Errorf("exercises/%s: %w", p, err)
	}
	return parseHints("exercises/"+p, md)
}

// The hints are read once, as the program starts. A missing or malformed
// HINTS.md is a mistake in the build, like a catalog entry that does not
// compile, and stops every command with the file's name.
// Hints written in a catalog entry would be overwritten without a word.
func init() {
	for _, e := range catalog {
		if e.Hints != [3]string{} {
			panic(fmt.Sprintf("exercise %d %s: its hints belong in its folder's %s, not in the catalog entry", e.Number, e.Slug, HintsFile))
		}
	}
	readHints(Canonical, catalog)
}

// readHints fills in the Hints of every exercise in cat from its HINTS.md
// in fsys, and panics with the first file that is missing or malformed.
func readHints(fsys fs.FS, cat []Exercise) {
	for i := range cat {
		h, err := loadHints(fsys, cat[i])
		if err != nil {
			panic(err)
		}
		cat[i].Hints = h
	}
}
