package stats

import (
	"encoding/csv"
	"io"
	"strconv"
)

// CSV headers of the reports (English column names, as the compliance
// report's CSV).
var (
	viewsHeader    = []string{"day", "tenant", "lang", "views", "bot_views"}
	pagesHeader    = []string{"tenant", "lang", "path", "views", "bot_views"}
	activityHeader = []string{"day", "tenant", "updates", "new_items"}
)

// WriteViewsCSV writes views as CSV.
func WriteViewsCSV(w io.Writer, views []DayViews) error {
	return writeCSV(w, viewsHeader, len(views), func(i int) []string {
		v := views[i]
		return []string{v.Day, v.Tenant, v.Lang, itoa(v.Views), itoa(v.BotViews)}
	})
}

// WritePagesCSV writes pages as CSV.
func WritePagesCSV(w io.Writer, pages []PageViews) error {
	return writeCSV(w, pagesHeader, len(pages), func(i int) []string {
		p := pages[i]
		return []string{p.Tenant, p.Lang, safeCell(p.Path), itoa(p.Views), itoa(p.BotViews)}
	})
}

// WriteActivityCSV writes activity as CSV.
func WriteActivityCSV(w io.Writer, activity []Activity) error {
	return writeCSV(w, activityHeader, len(activity), func(i int) []string {
		a := activity[i]
		return []string{a.Day, a.Tenant, itoa(a.Updates), itoa(a.NewItems)}
	})
}

func writeCSV(w io.Writer, header []string, n int, row func(i int) []string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		if err := cw.Write(row(i)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// safeCell keeps a spreadsheet from reading a cell as a formula (a path is
// the visitor's choice): one starting with = + - @ gets a leading '.
func safeCell(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
		return "'" + s
	}
	return s
}
