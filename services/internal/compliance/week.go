package compliance

import (
	"fmt"
	"time"
)

// Week is an ISO 8601 week, read in Zone: Monday 00:00 to Sunday 24:00 GMT+7.
type Week struct {
	Year, Number int
}

// WeekOf is the ISO week holding t in Zone.
func WeekOf(t time.Time) Week {
	y, n := t.In(Zone).ISOWeek()
	return Week{y, n}
}

// ParseWeek reads "2026-W48".
func ParseWeek(s string) (Week, error) {
	var w Week
	if _, err := fmt.Sscanf(s, "%4d-W%2d", &w.Year, &w.Number); err != nil || len(s) != 8 {
		return Week{}, fmt.Errorf("week %q: want yyyy-Www, e.g. 2026-W48", s)
	}
	if w.Number < 1 || WeekOf(w.Start()) != w {
		return Week{}, fmt.Errorf("week %q does not exist", s)
	}
	return w, nil
}

// Start is the Monday that begins w, at 00:00 in Zone.
func (w Week) Start() time.Time {
	// 4 January is always in week 1.
	jan4 := time.Date(w.Year, time.January, 4, 0, 0, 0, 0, Zone)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
	return monday.AddDate(0, 0, 7*(w.Number-1))
}

// End is the Monday after w, at 00:00 in Zone (exclusive).
func (w Week) End() time.Time { return w.Start().AddDate(0, 0, 7) }

// Next is the week after w.
func (w Week) Next() Week { return WeekOf(w.End()) }

func (w Week) String() string { return fmt.Sprintf("%04d-W%02d", w.Year, w.Number) }
