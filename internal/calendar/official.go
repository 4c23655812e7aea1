package calendar

// The State Council General Office's holiday notices, as data. Each year lists its days off
// (statutory holidays and the days moved to join them) and its make-up working days (调休上班),
// which fall on weekends. Later years are added by an administrator (stored in the database) or
// here in code review when the notice is published, usually in November.
//
// 2025: 国办发明电〔2024〕12号, 2024-11-12. 2026: 国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04.
var official = []Year{
	{
		Year:   2025,
		Source: "国办发明电〔2024〕12号（2024年11月12日）",
		Holidays: []Span{
			{"2025-01-01", "2025-01-01", "元旦"},
			{"2025-01-28", "2025-02-04", "春节"},
			{"2025-04-04", "2025-04-06", "清明节"},
			{"2025-05-01", "2025-05-05", "劳动节"},
			{"2025-05-31", "2025-06-02", "端午节"},
			{"2025-10-01", "2025-10-08", "国庆节、中秋节"},
		},
		Workdays: []string{"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"},
	},
	{
		Year:   2026,
		Source: "国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）",
		Holidays: []Span{
			{"2026-01-01", "2026-01-03", "元旦"},
			{"2026-02-15", "2026-02-23", "春节"},
			{"2026-04-04", "2026-04-06", "清明节"},
			{"2026-05-01", "2026-05-05", "劳动节"},
			{"2026-06-19", "2026-06-21", "端午节"},
			{"2026-09-25", "2026-09-27", "中秋节"},
			{"2026-10-01", "2026-10-07", "国庆节"},
		},
		Workdays: []string{"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"},
	},
}

// Official returns the shipped years' tables.
func Official() []Year {
	out := make([]Year, len(official))
	copy(out, official)
	return out
}
