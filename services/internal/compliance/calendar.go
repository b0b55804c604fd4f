package compliance

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Calendar is the Vietnamese working-day calendar of the rules file:
// weekend days, public holidays (lunar ones such as Tết and the Hùng Kings'
// day given as solar dates per year, with the compensatory days the
// government grants), and swapped working days (a Saturday worked in
// exchange for a day off). Dates are days in Zone.
type Calendar struct {
	// Weekend names the weekly rest days in English ("saturday").
	Weekend []string `toml:"weekend"`
	// Years lists the years whose holidays are filled in; asking about
	// any other year is an error, so a forgotten yearly edit is loud.
	Years       []int   `toml:"years"`
	Holidays    []Entry `toml:"holiday"`
	WorkingDays []Entry `toml:"working_day"`

	weekend  map[time.Weekday]bool
	years    map[int]bool
	holidays map[string]string // yyyy-mm-dd -> name
	swapped  map[string]string
}

// Entry is one dated line of the calendar.
type Entry struct {
	Date string `toml:"date"` // yyyy-mm-dd
	Name string `toml:"name"`
}

// ErrYearNotConfigured says the calendar holds no holidays for a year: the
// rules file needs its yearly edit (docs/OPERATIONS.md).
var ErrYearNotConfigured = errors.New("the rules file has no calendar for this year")

const dateLayout = "2006-01-02"

func (c *Calendar) compile() error {
	c.weekend = map[time.Weekday]bool{}
	for _, w := range c.Weekend {
		d, ok := weekdays[strings.ToLower(w)]
		if !ok {
			return fmt.Errorf("calendar: weekend day %q is not a weekday name", w)
		}
		c.weekend[d] = true
	}
	if len(c.weekend) == 7 {
		return fmt.Errorf("calendar: a week needs a working day")
	}
	c.years = map[int]bool{}
	for _, y := range c.Years {
		c.years[y] = true
	}
	var err error
	if c.holidays, err = c.index("holiday", c.Holidays); err != nil {
		return err
	}
	if c.swapped, err = c.index("working_day", c.WorkingDays); err != nil {
		return err
	}
	for d := range c.swapped {
		if _, both := c.holidays[d]; both {
			return fmt.Errorf("calendar: %s is both a holiday and a working day", d)
		}
	}
	return nil
}

func (c *Calendar) index(what string, entries []Entry) (map[string]string, error) {
	m := map[string]string{}
	for _, e := range entries {
		d, err := time.ParseInLocation(dateLayout, e.Date, Zone)
		if err != nil {
			return nil, fmt.Errorf("calendar: %s %q: want yyyy-mm-dd", what, e.Date)
		}
		if !c.years[d.Year()] {
			return nil, fmt.Errorf("calendar: %s %s is in %d, which is not in years", what, e.Date, d.Year())
		}
		if _, dup := m[e.Date]; dup {
			return nil, fmt.Errorf("calendar: %s %s is listed twice", what, e.Date)
		}
		m[e.Date] = e.Name
	}
	return m, nil
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// WorkingDay reports whether day (any time on it, read in Zone) is a working
// day: a swapped working day, or neither a weekend day nor a holiday.
func (c *Calendar) WorkingDay(day time.Time) (bool, error) {
	day = day.In(Zone)
	if !c.years[day.Year()] {
		return false, fmt.Errorf("%s: %w", day.Format(dateLayout), ErrYearNotConfigured)
	}
	key := day.Format(dateLayout)
	if _, ok := c.swapped[key]; ok {
		return true, nil
	}
	if _, ok := c.holidays[key]; ok {
		return false, nil
	}
	return !c.weekend[day.Weekday()], nil
}

// NormalWeek is the number of working days of a week without holidays.
func (c *Calendar) NormalWeek() int { return 7 - len(c.weekend) }

// Holiday names the holiday on day, or "".
func (c *Calendar) Holiday(day time.Time) string {
	return c.holidays[day.In(Zone).Format(dateLayout)]
}

// Day is the start of t's day in Zone.
func Day(t time.Time) time.Time {
	y, m, d := t.In(Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Zone)
}
