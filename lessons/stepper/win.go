package stepper

import "strings"

// StuckWin returns a Level.Win for bugs where the program stops for good:
// some goroutine has not returned and none can move (a deadlock, a
// missed wake-up). It names the bug kind and says, per goroutine that has
// not returned, what it waits for. It lives here rather than with one
// lesson because lessons 5 (deadlock) and 7 (events) both end that way.
func StuckWin(kind string) func(*Level, *State) (bool, string) {
	return func(l *Level, st *State) (bool, string) {
		if !l.Stuck(st) {
			return false, ""
		}
		var why []string
		for g := range l.Gs {
			if b := l.Blocked(st, g); b != "done" {
				why = append(why, l.Gs[g].Name+" "+b)
			}
		}
		return true, kind + ": " + strings.Join(why, "; ")
	}
}
