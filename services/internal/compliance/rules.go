// Package compliance provides the Article 11 rules of a deployment (the
// Vietnamese working-day calendar, the update thresholds and the other rules
// that follow the law), read from one rules file, and the status of a
// tenant's updates in a period (docs/ARCHITECTURE.md, "Article 11
// compliance").
package compliance

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Rules are one deployment's rules file: the decree they follow, the
// thresholds, what counts as an update, the calendar and the other rules that
// follow the law. They are data, not code, because the decree behind them is
// being replaced (Decree 42/2022 → 224/2026).
type Rules struct {
	// Decree names the decree the file follows, for reports.
	Decree     string     `toml:"decree"`
	Thresholds Thresholds `toml:"thresholds"`
	Counting   Counting   `toml:"counting"`
	Coverage   Coverage   `toml:"coverage"`
	Retention  Retention  `toml:"retention"`
	Calendar   Calendar   `toml:"calendar"`
}

// Thresholds are the least numbers of updates Article 11 asks for.
type Thresholds struct {
	// ProvincialPerWorkingDay is what the provincial portal owes each
	// working day.
	ProvincialPerWorkingDay int `toml:"provincial_per_working_day"`
	// SubportalPerWeek is what each sub-portal owes each ISO week (of five
	// working days; prorated to the week's working days, see Assess).
	SubportalPerWeek int `toml:"subportal_per_week"`
}

// Counting holds the part of "what counts as an update" that the law may
// change; the hub's own part (unchanged re-pushes and withdrawals never
// count) is fixed in hubstore.
type Counting struct {
	// BulkImportAgeDays: a first push of an item first published more than
	// this many days before the hub applied it is an import, not an update.
	BulkImportAgeDays int `toml:"bulk_import_age_days"`
}

// Coverage is what each tenant is expected to publish (Article 8 kinds, as
// contentrules.KindWord spells them) and in which languages.
type Coverage struct {
	RequiredKinds []string `toml:"required_kinds"`
	// English lists the kinds wanted in English too (Decree 42 wants the
	// organisation in English).
	English []string `toml:"english"`
}

// Retention is how long records are kept, in days.
type Retention struct {
	AuditLogDays   int `toml:"audit_log_days"`
	UpdatesDays    int `toml:"updates_days"`
	WithdrawnDays  int `toml:"withdrawn_items_days"`
	StatisticsDays int `toml:"statistics_days"`
}

// Load reads and checks a rules file.
func Load(path string) (*Rules, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("compliance rules: %w", err)
	}
	r, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("compliance rules %s: %w", path, err)
	}
	return r, nil
}

// Parse reads and checks the text of a rules file. Unknown keys are refused
// so that a misspelt key cannot silently leave a rule at zero.
func Parse(data []byte) (*Rules, error) {
	var r Rules
	md, err := toml.Decode(string(data), &r)
	if err != nil {
		return nil, err
	}
	if un := md.Undecoded(); len(un) > 0 {
		keys := make([]string, len(un))
		for i, k := range un {
			keys[i] = k.String()
		}
		sort.Strings(keys)
		return nil, fmt.Errorf("unknown keys: %s", strings.Join(keys, ", "))
	}
	if err := r.check(); err != nil {
		return nil, err
	}
	return &r, nil
}

func (r *Rules) check() error {
	if r.Thresholds.ProvincialPerWorkingDay < 1 || r.Thresholds.SubportalPerWeek < 1 {
		return fmt.Errorf("thresholds: provincial_per_working_day and subportal_per_week must be at least 1")
	}
	if r.Counting.BulkImportAgeDays < 1 {
		return fmt.Errorf("counting: bulk_import_age_days must be at least 1")
	}
	return r.Calendar.compile()
}

// Zone is the hub's time for Article 11: GMT+7, fixed (Vietnam keeps no
// daylight saving time), so counting does not depend on the host's tzdata.
var Zone = time.FixedZone("GMT+7", 7*60*60)
