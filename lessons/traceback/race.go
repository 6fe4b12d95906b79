package traceback

import (
	"regexp"
	"strconv"
	"strings"
)

// Access is one side of a data race: a read or a write of the same memory
// by one goroutine, with its stack (top first).
type Access struct {
	Write     bool
	Atomic    bool   // an atomic operation racing with a plain one
	Addr      string // "0x00c000018298"
	Goroutine int    // 1 for the main goroutine
	Frames    []Frame
}

// Verb is "read" or "wrote", for sentences.
func (a Access) Verb() string {
	if a.Write {
		return "wrote"
	}
	return "read"
}

// Race is one "WARNING: DATA RACE" report: the access that the detector
// caught (Current) and the earlier one it conflicts with (Previous), and
// where each goroutine was started (empty for the main goroutine).
type Race struct {
	Current, Previous Access
	CurrentCreated    []Frame
	PreviousCreated   []Frame
	// Location is what the detector says about the memory, when it says:
	// "global 'main.counter' of size 8", "heap block of size 8".
	Location string
}

var (
	// Read at 0x00c000018298 by goroutine 10:
	// Previous write at 0x000000622318 by main goroutine:
	// Atomic write at 0x... by goroutine 7:
	accessHeader = regexp.MustCompile(`^(Previous )?(?i:(atomic )?(read|write)) at (0x[0-9a-f]+) by (?:goroutine (\d+)|(main) goroutine):$`)
	// Goroutine 8 (running) created at:
	createdHeader = regexp.MustCompile(`^Goroutine (\d+) \((?:running|finished)\) created at:$`)
	// Location is global 'main.counter' of size 8 at 0x000000622318 (race+0x...)
	locationLine = regexp.MustCompile(`^Location is (.*?)(?: at 0x[0-9a-f]+.*)?:?$`)
)

const (
	raceSeparator = "=================="
	raceWarning   = "WARNING: DATA RACE"
)

// ParseRaces reads every "WARNING: DATA RACE" report in text, which may
// be a program's stderr, `go test -race` output with test lines
// interleaved, or a test2json stream. Reports come in the order printed,
// duplicates included (see Dedup).
func ParseRaces(text string) []Race {
	lines := strings.Split(normalize(text), "\n")
	var races []Race
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != raceWarning {
			continue
		}
		end := i + 1
		for end < len(lines) && strings.TrimSpace(lines[end]) != raceSeparator && strings.TrimSpace(lines[end]) != raceWarning {
			end++
		}
		if r, ok := parseRace(lines[i+1 : end]); ok {
			races = append(races, r)
		}
		i = end - 1
	}
	return races
}

// parseRace reads the body of one report, the lines between the warning
// and the closing separator.
func parseRace(lines []string) (Race, bool) {
	var (
		r                 Race
		haveCur, havePrev bool
		frames            *[]Frame // the stack being read, if any
		curID, prevID     = -1, -1
	)
	created := map[int][]Frame{}
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], " ")
		if m := accessHeader.FindStringSubmatch(line); m != nil {
			a := Access{Write: strings.EqualFold(m[3], "write"), Atomic: m[2] != "", Addr: m[4], Goroutine: 1}
			if m[5] != "" {
				a.Goroutine, _ = strconv.Atoi(m[5])
			}
			if m[1] == "" {
				r.Current, haveCur = a, true
				frames = &r.Current.Frames
				curID = a.Goroutine
			} else {
				r.Previous, havePrev = a, true
				frames = &r.Previous.Frames
				prevID = a.Goroutine
			}
			continue
		}
		if m := createdHeader.FindStringSubmatch(line); m != nil {
			id, _ := strconv.Atoi(m[1])
			var fs []Frame
			j := i + 1
			for ; j+1 < len(lines); j += 2 {
				f, ok := parseFrame(lines[j], lines[j+1])
				if !ok {
					break
				}
				fs = append(fs, f)
			}
			created[id] = fs
			frames = nil
			i = j - 1
			continue
		}
		if m := locationLine.FindStringSubmatch(line); m != nil {
			r.Location = m[1]
			frames = nil
			continue
		}
		if strings.TrimSpace(line) == "" {
			frames = nil
			continue
		}
		if frames != nil && i+1 < len(lines) {
			if f, ok := parseFrame(line, lines[i+1]); ok {
				*frames = append(*frames, f)
				i++
			}
		}
	}
	if !haveCur || !havePrev {
		return Race{}, false
	}
	r.CurrentCreated = created[curID]
	r.PreviousCreated = created[prevID]
	return r, true
}

// Dedup keeps the first of each set of races between the same pair of
// source lines (in either order), judged by each access's first frame in
// the program's own code. The race detector reports the same pair again
// for other goroutines running the same code.
func Dedup(races []Race) []Race {
	seen := map[[2]string]bool{}
	var out []Race
	for _, r := range races {
		a, b := place(r.Current.Frames), place(r.Previous.Frames)
		if b < a {
			a, b = b, a
		}
		key := [2]string{a, b}
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, r)
	}
	return out
}

// place is the file:line of the first frame in the program's own code,
// or of the top frame if there is none.
func place(frames []Frame) string {
	f, ok := UserFrame(frames, nil)
	if !ok {
		if len(frames) == 0 {
			return ""
		}
		f = frames[0]
	}
	return f.File + ":" + strconv.Itoa(f.Line)
}
