package points

// Defaults is a starting catalogue for a kind of target, after the seed's practice: a town
// creating its catalogue begins here and changes what it needs. Names are catalogue keys'
// defaults in Chinese, since a catalogue is the town's own document.
func Defaults(k TargetKind) []Rule {
	r := func(code, name, dim string, kind RuleKind, pts, capPts int64, p Period, src Source) Rule {
		return Rule{Code: code, Name: name, Dimension: dim, Kind: kind, Points: pts * 100, Cap: capPts * 100, Period: p,
			Source: src, Enabled: true, Weight: 100}
	}
	// A team earns half a point per member-hour.
	teamHours := r("activity.hours", "队伍志愿服务时长（每小时）", "activity", Reward, 0, 100, Quarter, VolunteerHours)
	teamHours.Points = 50
	switch k {
	case BranchSecretary:
		return []Rule{
			r("quality.base", "综合素质基础分", DimQuality, Base, 20, 20, Year, Manual),
			r("quality.study", "参加学习培训", DimQuality, Reward, 2, 10, Quarter, Manual),
			r("work.meeting", "三会一课按时开展", DimWork, Reward, 3, 12, Quarter, Manual),
			r("work.circular", "通报表扬", DimWork, Reward, 5, 20, Year, CircularCommendation),
			r("work.criticized", "被通报批评", DimWork, Deduction, 5, 20, Year, CircularCriticism),
			r("work.overdue", "辖区工单超期", DimWork, Deduction, 1, 10, Month, CaseOverdue),
			r("highlight.project", "亮点特色项目", DimHighlight, Reward, 10, 30, Year, Manual),
		}
	case PartyMember:
		return []Rule{
			r("duty.base", "党员基础分", "duty", Base, 60, 60, Year, Manual),
			r("service.case", "认领工单并办结", "service", Reward, 2, 20, Month, CaseResolved),
			r("service.rated", "群众评价满意", "service", Reward, 1, 10, Month, CaseRated),
			r("service.hours", "志愿服务时长（每小时）", "service", Reward, 1, 40, Quarter, VolunteerHours),
			r("discipline.overdue", "办理工单超期", "discipline", Deduction, 2, 20, Month, CaseOverdue),
			r("discipline.absent", "无故缺席组织生活", "discipline", Deduction, 5, 20, Year, Manual),
		}
	case ServiceTeam:
		return []Rule{
			teamHours,
			r("effect.praise", "群众表扬", "effect", Reward, 5, 20, Quarter, Manual),
			r("discipline.missed", "未按要求开展活动", "discipline", Deduction, 5, 20, Quarter, Manual),
		}
	}
	return nil
}
