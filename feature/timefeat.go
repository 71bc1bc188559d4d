package feature

import (
	"fmt"
	"math"
	"time"
)

// TimePart is one output of a time feature. Calendar parts give one column
// each, numbered as the time package does (Month 1-12, Weekday 0-6 from
// Sunday); cyclic parts give two columns, the sine and cosine of the
// position in the cycle, so that December sits next to January. Parts are
// read in the time's own location: convert in the accessor if needed.
type TimePart uint8

const (
	Year           TimePart = iota + 1 // NAME.year
	Month                              // NAME.month, 1 to 12
	Day                                // NAME.day, 1 to 31
	Weekday                            // NAME.weekday, 0 (Sunday) to 6
	Hour                               // NAME.hour, 0 to 23
	DayOfYear                          // NAME.yday, 1 to 366
	UnixSecond                         // NAME.unix, seconds since 1970 (fractional)
	MonthCycle                         // NAME.month_sin, NAME.month_cos: angle 2π(month-1)/12
	WeekdayCycle                       // NAME.weekday_sin, NAME.weekday_cos: angle 2π·weekday/7
	HourCycle                          // NAME.hour_sin, NAME.hour_cos: angle 2π(hour+minute/60+second/3600)/24
	DayOfYearCycle                     // NAME.yday_sin, NAME.yday_cos: angle 2π(yday-1)/365
)

var timePartNames = [...]string{
	Year: "year", Month: "month", Day: "day", Weekday: "weekday", Hour: "hour",
	DayOfYear: "yday", UnixSecond: "unix", MonthCycle: "month", WeekdayCycle: "weekday",
	HourCycle: "hour", DayOfYearCycle: "yday",
}

// String returns the part's name as used in column names.
func (p TimePart) String() string {
	if p >= Year && p <= DayOfYearCycle {
		if p >= MonthCycle {
			return timePartNames[p] + "_cycle"
		}
		return timePartNames[p]
	}
	return fmt.Sprintf("TimePart(%d)", uint8(p))
}

func (p TimePart) width() int {
	if p >= MonthCycle {
		return 2
	}
	return 1
}

func (p TimePart) valid() bool { return p >= Year && p <= DayOfYearCycle }

// put writes the part of t into out (width() values).
func (p TimePart) put(t time.Time, out []float64) {
	var angle float64
	switch p {
	case Year:
		out[0] = float64(t.Year())
		return
	case Month:
		out[0] = float64(t.Month())
		return
	case Day:
		out[0] = float64(t.Day())
		return
	case Weekday:
		out[0] = float64(t.Weekday())
		return
	case Hour:
		out[0] = float64(t.Hour())
		return
	case DayOfYear:
		out[0] = float64(t.YearDay())
		return
	case UnixSecond:
		out[0] = float64(t.UnixNano()) / 1e9
		return
	case MonthCycle:
		angle = 2 * math.Pi * float64(t.Month()-1) / 12
	case WeekdayCycle:
		angle = 2 * math.Pi * float64(t.Weekday()) / 7
	case HourCycle:
		h, m, s := t.Clock()
		angle = 2 * math.Pi * (float64(h) + float64(m)/60 + float64(s)/3600) / 24
	case DayOfYearCycle:
		angle = 2 * math.Pi * float64(t.YearDay()-1) / 365
	}
	out[0], out[1] = math.Sincos(angle)
}

func (p TimePart) names(feature string, dst []string) []string {
	if p >= MonthCycle {
		return append(dst, feature+"."+timePartNames[p]+"_sin", feature+"."+timePartNames[p]+"_cos")
	}
	return append(dst, feature+"."+timePartNames[p])
}
