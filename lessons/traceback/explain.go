package traceback

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// SourceLines returns the lines of file from line-context to line+context,
// each as "  14 | text", with the line itself marked "> 15 | text". It
// returns nil when the file cannot be read (a report recorded on another
// machine, a binary built with -trimpath).
func SourceLines(file string, line, context int) []string {
	return SourceLinesFrom(os.ReadFile, file, line, context)
}

// SourceLinesFrom is SourceLines reading the file with readFile: from an
// embedded copy, say, for a binary that runs far from its source.
func SourceLinesFrom(readFile func(file string) ([]byte, error), file string, line, context int) []string {
	if line <= 0 || context < 0 || readFile == nil {
		return nil
	}
	b, err := readFile(file)
	if err != nil {
		return nil
	}
	all := strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
	if len(all) > 0 && all[len(all)-1] == "" {
		all = all[:len(all)-1]
	}
	if line > len(all) {
		return nil // the file is shorter than the report says: not this file
	}
	first, last := max(1, line-context), min(len(all), line+context)
	width := len(strconv.Itoa(last))
	var out []string
	for n := first; n <= last; n++ {
		mark := " "
		if n == line {
			mark = ">"
		}
		text := strings.ReplaceAll(all[n-1], "\t", "    ")
		out = append(out, strings.TrimRight(fmt.Sprintf("%s %*d | %s", mark, width, n, text), " "))
	}
	return out
}

// sourceLine is the text of one line of file, trimmed, or "".
func sourceLine(read func(string) ([]byte, error), file string, line int) string {
	lines := SourceLinesFrom(read, file, line, 0)
	if len(lines) != 1 {
		return ""
	}
	_, text, _ := strings.Cut(lines[0], "| ")
	return strings.TrimSpace(text)
}

// ExplainRace writes race r in plain words: which goroutine wrote or read
// what, where, and that nothing ordered the two accesses; the two source
// lines, with a line of context; and where each goroutine was started.
// userCode picks the learner's (or demo's) files for the places named; nil
// means any code that is not Go's own.
//
//	Data race on counter:
//	  goroutine 8 read counter at main.go:15 while goroutine 9 wrote it at main.go:15;
//	  neither waited for the other (no lock, no channel between them).
func ExplainRace(w io.Writer, r Race, userCode func(file string) bool) {
	ExplainRaceFrom(w, r, userCode, os.ReadFile)
}

// ExplainRaceFrom is ExplainRace reading source files with readFile.
func ExplainRaceFrom(w io.Writer, r Race, userCode func(file string) bool, readFile func(file string) ([]byte, error)) {
	cur, prev := userPlace(r.Current.Frames, userCode), userPlace(r.Previous.Frames, userCode)
	sum := SummarizeRace(r, cur, prev, readFile)
	fmt.Fprintf(w, "Data race on %s:\n", sum.Name)
	fmt.Fprintf(w, "  %s;\n", sum.Accesses)
	fmt.Fprintf(w, "  neither waited for the other (no lock, no channel between them).\n")
	fmt.Fprintf(w, "  %s.\n", sum.Consequence)
	for _, side := range []struct {
		a     Access
		frame Frame
	}{{r.Current, cur}, {r.Previous, prev}} {
		fmt.Fprintf(w, "\n  %s, %s %s (%s):\n", side.frame.Short(), Who(side.a.Goroutine), side.a.Verb(), shortFunc(side.frame.Func))
		lines := SourceLinesFrom(readFile, side.frame.File, side.frame.Line, 1)
		if lines == nil {
			fmt.Fprintf(w, "    (source not available: %s)\n", side.frame.File)
		}
		for _, l := range lines {
			fmt.Fprintf(w, "    %s\n", l)
		}
	}
	fmt.Fprintln(w)
	for _, side := range []struct {
		id      int
		created []Frame
	}{{r.Current.Goroutine, r.CurrentCreated}, {r.Previous.Goroutine, r.PreviousCreated}} {
		if side.id == 1 && len(side.created) == 0 {
			fmt.Fprintf(w, "  goroutine 1 is main's own goroutine.\n")
			continue
		}
		if len(side.created) == 0 {
			continue
		}
		f := userPlace(side.created, userCode)
		fmt.Fprintf(w, "  %s was started by the go statement at %s (in %s).\n", Who(side.id), f.Short(), shortFunc(f.Func))
	}
}

// RaceSummary says in words what a race was. The lessons' demos and the
// grader both tell races with it, so that a learner reads one story.
type RaceSummary struct {
	// Name is the raced-on memory: "counter", "c.n", "the memory at 0x...".
	Name string
	// Accesses is "goroutine 8 read counter at main.go:15 while
	// goroutine 9 wrote it at main.go:15".
	Accesses string
	// Consequence is what can go wrong, in one sentence without a full
	// stop: "counter++ is three steps (load, add, store): ...".
	Consequence string
}

// SummarizeRace tells race r for the frames chosen as the two accesses'
// places (cur, prev: the user's own), reading source lines with readFile.
func SummarizeRace(r Race, cur, prev Frame, readFile func(file string) ([]byte, error)) RaceSummary {
	name := variable(readFile, r, cur, prev)
	return RaceSummary{
		Name: name,
		Accesses: fmt.Sprintf("%s %s %s at %s while %s %s it at %s",
			Who(r.Current.Goroutine), r.Current.Verb(), name, cur.Short(),
			Who(r.Previous.Goroutine), r.Previous.Verb(), prev.Short()),
		Consequence: consequence(readFile, r, name, cur, prev),
	}
}

// userPlace is the first frame in the user's code, or the top frame.
func userPlace(frames []Frame, userCode func(string) bool) Frame {
	if f, ok := UserFrame(frames, userCode); ok {
		return f
	}
	if f, ok := UserFrame(frames, nil); ok {
		return f
	}
	if len(frames) > 0 {
		return frames[0]
	}
	return Frame{Func: "unknown code"}
}

// Who names goroutine id in a sentence: "goroutine 1 (main)" for the
// main goroutine.
func Who(id int) string {
	if id == 1 {
		return "goroutine 1 (main)"
	}
	return fmt.Sprintf("goroutine %d", id)
}

// readModifyWrite matches an update of name in place: name++, name += 2.
func readModifyWrite(text, name string) bool {
	return regexp.MustCompile(regexp.QuoteMeta(name) + `\s*(\+\+|--|[-+*/%|&^]=)`).MatchString(text)
}

// consequence says what can go wrong, in one sentence.
func consequence(read func(string) ([]byte, error), r Race, name string, cur, prev Frame) string {
	for _, f := range []Frame{cur, prev} {
		if line := sourceLine(read, f.File, f.Line); line != "" && readModifyWrite(line, name) {
			return fmt.Sprintf("%s is three steps (load, add, store): one goroutine's store can overwrite the other's, and updates are lost", strings.TrimSpace(readModifyWriteExpr(line, name)))
		}
	}
	if r.Current.Write && r.Previous.Write {
		return "One write can silently overwrite the other"
	}
	return "The read may see the old value or the new one: nothing decided which"
}

// readModifyWriteExpr is the update itself, "counter++", for the sentence.
func readModifyWriteExpr(text, name string) string {
	m := regexp.MustCompile(regexp.QuoteMeta(name) + `\s*(\+\+|--|[-+*/%|&^]=\s*[\w.]+)`).FindString(text)
	if m == "" {
		return name + "++"
	}
	return m
}

// shortFunc drops the import path: "tbgen/racetest.(*Counter).Inc" ->
// "racetest.(*Counter).Inc".
func shortFunc(fn string) string {
	if i := strings.LastIndexByte(fn, '/'); i >= 0 {
		return fn[i+1:]
	}
	return fn
}

var (
	// counter++, c.n += 2, m[k] = v, done = true
	assignTarget = regexp.MustCompile(`([A-Za-z_][\w.]*(?:\[[^\]]*\])?)\s*(?:\+\+|--|[-+*/%|&^]?=[^=])`)
	identifier   = regexp.MustCompile(`[A-Za-z_][\w.]*`)
	globalName   = regexp.MustCompile(`^global '([^']+)'`)
)

// variable names the raced-on memory for a sentence: the global the
// detector names, else the assigned expression that both source lines
// mention, else the one identifier they share, else its address.
func variable(read func(string) ([]byte, error), r Race, cur, prev Frame) string {
	if m := globalName.FindStringSubmatch(r.Location); m != nil {
		name := m[1]
		if i := strings.LastIndexByte(name, '.'); i >= 0 && !strings.Contains(name[i:], "/") {
			name = name[i+1:]
		}
		return name
	}
	a, b := sourceLine(read, cur.File, cur.Line), sourceLine(read, prev.File, prev.Line)
	if a != "" && b != "" {
		for _, text := range []string{a, b} {
			for _, m := range assignTarget.FindAllStringSubmatch(text, -1) {
				if name := m[1]; name != "_" && hasWord(a, name) && hasWord(b, name) {
					return name
				}
			}
		}
		if name := sharedIdentifier(a, b); name != "" {
			return name
		}
	}
	return "the memory at " + r.Current.Addr
}

// hasWord reports whether text mentions name as a whole word.
func hasWord(text, name string) bool {
	return regexp.MustCompile(`(^|[^\w.])` + regexp.QuoteMeta(name) + `($|[^\w])`).MatchString(text)
}

var keywords = map[string]bool{
	"break": true, "case": true, "chan": true, "const": true, "continue": true, "default": true,
	"defer": true, "else": true, "fallthrough": true, "for": true, "func": true, "go": true,
	"goto": true, "if": true, "import": true, "interface": true, "map": true, "package": true,
	"range": true, "return": true, "select": true, "struct": true, "switch": true, "type": true,
	"var": true, "true": true, "false": true, "nil": true, "int": true, "string": true,
}

// sharedIdentifier is the only non-keyword identifier two lines share, or "".
func sharedIdentifier(a, b string) string {
	inB := map[string]bool{}
	for _, id := range identifier.FindAllString(b, -1) {
		inB[id] = true
	}
	found := ""
	for _, id := range identifier.FindAllString(a, -1) {
		if keywords[id] || !inB[id] || id == found {
			continue
		}
		if found != "" {
			return ""
		}
		found = id
	}
	return found
}
