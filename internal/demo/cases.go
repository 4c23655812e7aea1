package demo

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/cases"
	"wuxing/internal/org"
	"wuxing/internal/people"
	"wuxing/internal/storage"
)

// The case history has its own seed, apart from the world's, so changing it never changes the
// people.
const caseSeedA, caseSeedB = 20230113, 14390

// Figures from the seed page that the case history reproduces from records.
const (
	zqAppeals  = 14  // 站前社区: 14 resident appeals, all resolved
	luheSolved = 390 // 鲁河镇: 390 issues solved
)

// historyDays is how far back from the store's clock the case history reaches: close to a
// year, so every month and quarter has cases (loaded in late 2026, it spans 2026).
const historyDays = 330

// loadCases replays a year of casework through the store: every case is submitted and moved
// step by step with the same checks, deadlines, timeline and audit as live work, each step
// stamped at the working-day time it happened, so every figure (response, resolution, on-time,
// satisfaction, rework) is computed from the records. The world must have been written first.
func loadCases(ctx context.Context, db *storage.DB, w *world) error {
	g, err := newCaseGen(ctx, db, w)
	if err != nil {
		return err
	}
	g.zhanqian()
	g.luhe()
	g.kaixi()
	g.sunkouJustice()
	for _, b := range w.branches {
		switch town := b.unit.parent.u.Name; {
		case b == w.zq || b == w.kx:
		case town == "鲁河镇", town == "寺庄乡": // 寺庄乡's cases come from its inspection campaign
		case town == "建设办", town == "皇甫办":
			g.spread(b, 5+g.r.IntN(5))
		default:
			g.spread(b, 1+g.r.IntN(3))
		}
	}
	return g.write(ctx, db)
}

// caseGen plans the case history in memory, then writes it in time order.
type caseGen struct {
	w      *world
	r      *rand.Rand
	cats   map[string]*cases.Category
	wd     []time.Time // working days from the start of the history on, as calendar days
	last   int         // index in wd of the last working day before today
	depts  map[*unit]map[string]*unit
	links  map[*household]*person
	mems   map[*branch][]*person
	titles map[*branch]map[string]bool
	plans  []*casePlan
}

func newCaseGen(ctx context.Context, db *storage.DB, w *world) (*caseGen, error) {
	g := &caseGen{w: w, r: rand.New(rand.NewPCG(caseSeedA, caseSeedB)), cats: map[string]*cases.Category{},
		depts: map[*unit]map[string]*unit{}, links: map[*household]*person{}, mems: map[*branch][]*person{},
		titles: map[*branch]map[string]bool{}}
	cs, err := db.Categories(ctx, false)
	if err != nil {
		return nil, err
	}
	for i := range cs {
		g.cats[cs[i].Code] = &cs[i]
	}
	cal, err := db.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	today := cases.Local(db.Clock().Now())
	// Steps fall on these days; deadlines are compared by index, so later days are not needed.
	for d := today.AddDate(0, 0, -historyDays); d.Before(today); d = d.AddDate(0, 0, 1) {
		if cal.IsWorkday(d) {
			g.wd = append(g.wd, d)
		}
	}
	g.last = len(g.wd) - 1
	for _, u := range w.units {
		if u.u.Kind == org.Department {
			if g.depts[u.parent] == nil {
				g.depts[u.parent] = map[string]*unit{}
			}
			g.depts[u.parent][u.u.Name] = u
		}
	}
	for _, a := range w.assigns {
		if a.a.Kind == people.HouseholdLink && g.links[a.household] == nil {
			g.links[a.household] = a.person
		}
	}
	return g, nil
}

// caseIssue is a kind of problem residents bring, as a template: {v} village, {g} village group,
// {c} compound, {b} building, {s} the reporter's surname.
type caseIssue struct {
	list   cases.List
	cat    string
	title  string
	desc   string
	result string
	method cases.Method
	depts  []string // where the branch escalates it, first found in the town
	elder  bool     // reported by or for an older resident
	urgent bool
}

// ruralIssues are what villagers bring to the tea room, the door-to-door visit or the grid.
var ruralIssues = []caseIssue{
	{cases.Appeal, "water", "{v}{g}排水沟堵塞，雨后路面积水", "{g}主街排水沟被淤泥和生活垃圾堵塞，下雨后积水没过脚面，群众出行不便。",
		"组织党员志愿者清淤排水沟约200米，清运淤泥5车，排水恢复通畅。", cases.VolunteerLabour, nil, false, false},
	{cases.Appeal, "lighting", "{v}{g}路灯损坏，夜间出行不便", "{g}村道3盏太阳能路灯不亮，晚上老人孩子出行有安全隐患。",
		"党员认领维修，更换太阳能板控制器和灯头3套，已全部恢复照明。", cases.VoluntaryClaim, nil, false, false},
	{cases.Appeal, "road", "{v}村东生产路坑洼不平", "村东生产路多处坑洼，雨后泥泞，农用车通行困难。",
		"党员志愿者拉运碎石填平坑洼12处，并碾压平整。", cases.VolunteerLabour, nil, false, false},
	{cases.Appeal, "sanitation", "{v}{g}坑塘周边垃圾堆积", "{g}坑塘边长期堆放生活垃圾和杂物，夏季有异味、滋生蚊蝇。",
		"组织党员群众义务劳动清理坑塘垃圾8车，设置垃圾收集点，落实专人保洁。", cases.VolunteerLabour, nil, false, false},
	{cases.Appeal, "sanitation", "{v}{g}柴草、秸秆占道堆放", "{g}道路两侧柴草、秸秆堆放占道，存在火灾隐患。",
		"网格员逐户劝导，党员帮助清运柴草堆15处，统一堆放到村外指定地点。", cases.VolunteerLabour, nil, false, false},
	{cases.Appeal, "greening", "{v}{g}道路两侧杂草丛生", "{g}村道两侧杂草长到半人高，影响村容村貌和行车视线。",
		"党员志愿服务队清除杂草约1500平方米，补栽冬青200余株。", cases.VolunteerLabour, nil, false, false},
	{cases.Appeal, "water", "{v}{g}自来水水压低、时断时续", "{g}自来水早晚用水高峰水压很低，二楼以上经常没水。",
		"联系供水站检修管网，更换破损阀门2处，水压恢复正常。", cases.OtherMethod, nil, false, false},
	{cases.Appeal, "dispute", "{v}{g}宅基地边界纠纷", "两户因宅基地边界发生争执，村里多次协商未果，群众请求调解。",
		"报请镇司法所调解，实地测量后双方签订调解协议，纠纷化解。", cases.DeptHandling, []string{"司法所", "综治中心"}, false, false},
	{cases.Appeal, "dispute", "{v}{g}邻里通行纠纷", "两户因门前通道使用发生矛盾，一方堆放杂物阻碍通行。",
		"村调委会和联户党员上门调解，双方协商留出通道，握手言和。", cases.PairingHelp, nil, false, false},
	{cases.Appeal, "other", "{v}文化广场健身器材损坏", "村文化广场的漫步机、扭腰器等器材损坏，群众锻炼不便。",
		"党员爱心认领，出资更换损坏的健身器材4件。", cases.VoluntaryClaim, nil, false, false},
	{cases.Appeal, "other", "{v}{g}私拉电线存在安全隐患", "{g}有农户从屋内私拉电线给电动车充电，线路老化裸露。",
		"联系供电所规范线路，党员协助入户排查隐患9处，全部整改。", cases.OtherMethod, nil, false, true},
	{cases.Appeal, "other", "{v}{g}废弃房屋存在倒塌隐患", "{g}一处无人居住的老房墙体开裂，紧邻村道，存在倒塌风险。",
		"拉设警戒线，联系房主同意后组织拆除危墙，消除隐患。", cases.OtherMethod, nil, false, true},
	{cases.Livelihood, "livelihood", "{v}{g}{s}某某家户厕改造", "{s}某某家仍是旱厕，夏天气味大，申请纳入户厕改造。",
		"纳入改厕计划，完成三格式化粪池户厕改造并验收。", cases.OtherMethod, nil, false, false},
	{cases.Livelihood, "elder_care", "{v}独居老人{s}某某冬季取暖困难", "{s}某某年事已高、独自居住，家中没有取暖设备。",
		"联户党员结对帮扶，送去取暖器和棉被，每周上门查看。", cases.PairingHelp, nil, true, false},
	{cases.Livelihood, "elder_care", "{v}{g}残疾人{s}某某申请辅助器具", "{s}某某下肢残疾，出行困难，申请轮椅等辅助器具。",
		"报镇便民服务中心残联窗口审核，发放轮椅1台。", cases.DeptHandling, []string{"便民服务中心", "社会事务办"}, true, false},
	{cases.Livelihood, "livelihood", "{v}留守儿童放学后无人看护", "村里留守儿童较多，放学后无人辅导作业，家长在外务工不放心。",
		"党员志愿者在村党群服务中心开设“四点半课堂”，每周三次。", cases.VolunteerLabour, nil, false, false},
	{cases.Livelihood, "elder_care", "{v}{g}{s}某某办理慢性病门诊卡", "{s}某某患高血压多年，行动不便，不会办理慢性病门诊卡。",
		"联户党员代办，联系镇卫生院上门体检，已办好慢性病卡。", cases.PairingHelp, nil, true, false},
	{cases.Livelihood, "elder_care", "{v}幸福院冬季缺少取暖设备", "村幸福院住着十几位老人，冬季取暖设备不足。",
		"党员爱心认领，捐赠空调2台、电暖器4台。", cases.VoluntaryClaim, nil, false, false},
	{cases.Livelihood, "livelihood", "{v}{g}{s}某某危房改造申请", "{s}某某家房屋墙体开裂、屋顶漏雨，申请危房改造。",
		"镇里入户鉴定为C级危房，纳入危房改造并完成加固。", cases.DeptHandling, []string{"规划建设办", "便民服务中心", "党政办"}, true, false},
	{cases.PainPoint, "pain_point", "{v}进村主干道破损严重", "进村主干道多处断裂塌陷，大车进不来，群众出行和农产品外运困难。",
		"纳入镇道路提升计划，铺设水泥路面1.2公里。", cases.DeptHandling, []string{"规划建设办", "党政办"}, false, false},
	{cases.PainPoint, "pain_point", "{v}村内无路灯，群众夜间出行难", "村内主街没有路灯，冬天傍晚五点多就漆黑一片。",
		"党员爱心认领，捐助安装太阳能路灯20盏。", cases.VoluntaryClaim, nil, false, false},
	{cases.PainPoint, "pain_point", "{v}{g}缺少排水管网，雨季积水", "{g}地势低洼，没有排水管网，雨季院里进水。",
		"党员带头出工，铺设排水管道300米，接入村外沟渠。", cases.VolunteerLabour, nil, false, false},
	{cases.PainPoint, "pain_point", "{v}农田灌溉机井损坏", "村北两眼机井水泵损坏，眼看要浇越冬水，群众着急。",
		"镇农业服务中心安排维修机井2眼，更换水泵。", cases.DeptHandling, []string{"农业服务中心"}, false, false},
	{cases.PainPoint, "pain_point", "{v}垃圾中转点设置不合理", "垃圾中转点紧挨住户，气味大，群众意见大。",
		"召开群众会重新选址，迁移垃圾中转点并硬化地面。", cases.OtherMethod, nil, false, false},
	{cases.Employment, "employment", "{v}{g}脱贫户{s}某某务工就业", "{s}某某家是脱贫户，劳动力闲置在家，希望就近务工。",
		"联户党员结对帮扶，推荐到县产业园服装厂就业，月收入3000余元。", cases.PairingHelp, nil, false, false},
	{cases.Employment, "employment", "{v}返乡青年{s}某某电商创业指导", "{s}某某返乡想做农产品电商，缺少经验和渠道。",
		"党员致富带头人结对指导，帮助开通网店销售农产品。", cases.PairingHelp, nil, false, false},
	{cases.Employment, "employment", "{v}{g}{s}某某求职需技能培训", "{s}某某想外出务工但没有技能，希望参加培训。",
		"推荐参加镇便民服务中心组织的电焊技能培训，结业后上岗。", cases.DeptHandling, []string{"便民服务中心", "社会事务办"}, false, false},
	{cases.Employment, "employment", "{v}种植户蔬菜滞销求助", "今年蔬菜丰收但收购价低，几户种植户的蔬菜卖不出去。",
		"党员爱心认领帮销，联系超市和单位食堂销售蔬菜1.5万斤。", cases.VoluntaryClaim, nil, false, false},
	{cases.Employment, "employment", "{v}妇女居家灵活就业", "村里不少妇女要照顾老人孩子，希望在家门口就业。",
		"对接手工编织企业，在村里设立帮扶车间，吸纳20余名妇女就业。", cases.OtherMethod, nil, false, false},
}

// urbanIssues are what residents of the city communities bring.
var urbanIssues = []caseIssue{
	{cases.Appeal, "lighting", "{b}前路灯不亮", "{b}门前两盏路灯坏了一个多星期，晚上回家看不清路。",
		"党员电工认领维修，更换灯头2个，当晚恢复照明。", cases.VoluntaryClaim, nil, false, false},
	{cases.Appeal, "lighting", "{c}主路路灯线路故障", "{c}主路一排路灯整晚不亮，疑似线路故障。",
		"报街道城市管理办，路灯所检修线路后恢复照明。", cases.DeptHandling, []string{"城市管理办", "党政办"}, false, false},
	{cases.Appeal, "water", "{b}下水道堵塞返味", "{b}一单元下水道堵塞，一楼住户家中返水、返味。",
		"党员志愿者疏通主管道12米，清理淤积物，排水恢复通畅。", cases.VolunteerLabour, nil, false, true},
	{cases.Appeal, "sanitation", "{c}垃圾清运不及时", "{c}垃圾桶经常满溢，周边气味大。",
		"协调环卫公司每天早晚两次清运，增设分类垃圾桶4组。", cases.OtherMethod, nil, false, false},
	{cases.Appeal, "sanitation", "{b}楼道杂物堆积", "{b}楼道里堆放旧家具、纸箱，影响通行，存在消防隐患。",
		"党员志愿者清理楼道杂物3车，建立楼栋长轮值制度。", cases.VolunteerLabour, nil, false, false},
	{cases.Appeal, "property", "{b}楼顶防水层破损漏雨", "{b}顶层住户反映下雨天屋顶渗水，墙皮脱落。",
		"纳入老旧小区改造计划，重做楼顶防水300平方米。", cases.DeptHandling, []string{"城市管理办", "社会事务办"}, false, false},
	{cases.Appeal, "property", "{c}电动车楼道充电隐患", "{c}有居民把电动车推进楼道充电，飞线充电现象多。",
		"党员认领劝导，建设集中充电车棚1处，楼道电动车全部清出。", cases.VoluntaryClaim, nil, false, true},
	{cases.Appeal, "property", "{c}停车难、车辆乱停", "{c}车位不足，晚上车辆停到消防通道上。",
		"施划停车位36个，党员认领早晚高峰劝导岗。", cases.VoluntaryClaim, nil, false, false},
	{cases.Appeal, "dispute", "{b}邻里噪音纠纷", "{b}楼上住户夜间噪音大，楼下老人休息不好，双方发生争执。",
		"网格员和联户党员上门调解，双方达成共识。", cases.PairingHelp, nil, false, false},
	{cases.Appeal, "other", "{c}健身器材损坏", "{c}小广场健身器材螺丝松动，有安全隐患。",
		"党员爱心认领，维修加固健身器材6件。", cases.VoluntaryClaim, nil, false, false},
	{cases.Appeal, "property", "{b}单元门禁损坏", "{b}单元门禁坏了，陌生人随意进出，居民担心安全。",
		"党员认领维修，更换门禁锁具和读卡器。", cases.VoluntaryClaim, nil, false, false},
	{cases.Appeal, "greening", "{c}绿化带杂草丛生", "{c}绿化带杂草丛生，夏季蚊虫多。",
		"党员志愿服务队清除杂草、补种绿植，建立认领养护制度。", cases.VolunteerLabour, nil, false, false},
	{cases.Livelihood, "elder_care", "{c}独居老人{s}某某助餐需求", "{s}某某独自居住，腿脚不便，做饭困难。",
		"联户党员结对帮扶，纳入社区长者食堂送餐服务。", cases.PairingHelp, nil, true, false},
	{cases.Livelihood, "livelihood", "{b}楼道加装扶手", "{b}老人多，上下楼吃力，希望楼道加装扶手。",
		"党员爱心认领，为楼道加装不锈钢扶手6层。", cases.VoluntaryClaim, nil, false, false},
	{cases.Employment, "employment", "{c}失业人员{s}某某再就业", "{s}某某原企业改制后失业，希望找到稳定工作。",
		"联户党员结对帮扶，推荐参加社区招聘会，已在物流公司上岗。", cases.PairingHelp, nil, false, false},
	{cases.PainPoint, "pain_point", "{c}老旧小区管网老化", "{c}供排水管网老化，经常跑冒滴漏。",
		"纳入老旧小区改造，更换供排水管网1200米。", cases.DeptHandling, []string{"城市管理办", "党政办"}, false, false},
	{cases.PainPoint, "pain_point", "{c}无物业管理，环境脏乱", "{c}没有物业公司，卫生、秩序无人管理。",
		"成立红色业委会，引入物业托管服务，环境明显改善。", cases.OtherMethod, nil, false, false},
}

// zqSpec is one of 站前社区's 14 appeals from the seed page: a real-sounding problem in one of
// its compounds, where it came from, and how the resident rated the result.
type zqSpec struct {
	compound string
	channel  cases.Channel
	rating   cases.Rating
	comment  string
	caseIssue
}

var zqSpecs = []zqSpec{
	{"站前花园", cases.GridReport, cases.Satisfied, "当天就修好了，晚上回家亮堂了",
		caseIssue{cases.Appeal, "lighting", "{b}前路灯不亮", "{b}门前路灯不亮，晚上老人下楼遛弯看不清台阶。",
			"报街道城市管理办，路灯所更换灯具2套，已恢复照明。", cases.DeptHandling, []string{"城市管理办"}, false, false}},
	{"铁路家属院", cases.DoorToDoor, cases.Satisfied, "党员志愿者不怕脏不怕累，感谢",
		caseIssue{cases.Appeal, "water", "{b}下水道堵塞返味", "{b}一单元下水道堵塞，一楼住户家中返水、返味。",
			"党员志愿者疏通主管道12米，清理淤泥两车，排水恢复通畅。", cases.VolunteerLabour, nil, false, true}},
	{"邮电家属院", cases.TeaRoom, cases.BasicSatisfied, "清运及时多了，希望一直保持",
		caseIssue{cases.Appeal, "sanitation", "{c}垃圾桶满溢、清运不及时", "{c}垃圾桶经常满溢，夏天气味大，影响居民生活。",
			"协调环卫公司每天早晚两次清运，增设分类垃圾桶4组。", cases.OtherMethod, nil, false, false}},
	{"站前花园", cases.TeaRoom, cases.Satisfied, "楼道清爽了，也不担心着火了",
		caseIssue{cases.Appeal, "property", "{c}电动车楼道停放充电", "{c}有居民把电动车推进楼道充电，飞线充电现象多，存在火灾隐患。",
			"党员认领劝导，建设集中充电车棚1处，楼道电动车全部清出。", cases.VoluntaryClaim, nil, false, false}},
	{"铁路家属院", cases.DoorToDoor, cases.Satisfied, "天天有人送饭上门，孩子们在外地也放心",
		caseIssue{cases.Appeal, "elder_care", "独居老人{s}某某用餐困难", "{s}某某独自居住，腿脚不便，做饭困难，子女都在外地。",
			"联户党员结对帮扶，纳入社区助餐点，每天送餐上门。", cases.PairingHelp, nil, true, false}},
	{"站前花园", cases.Hotline, cases.Satisfied, "",
		caseIssue{cases.Appeal, "road", "站前路人行道地砖松动", "站前路站前花园门口一段人行道地砖松动翘起，已有老人绊倒。",
			"报街道城市管理办，市政维修队更换人行道地砖40平方米。", cases.DeptHandling, []string{"城市管理办"}, false, true}},
	{"铁路家属院", cases.TeaRoom, cases.Satisfied, "没人管的院子现在有人管了",
		caseIssue{cases.Appeal, "sanitation", "{c}楼道杂物长期无人清理", "{c}是三无小区，没有物业，楼道和院内杂物堆积多年。",
			"组织党员志愿者清理楼道杂物3车，建立楼栋长轮值清扫制度。", cases.VolunteerLabour, nil, false, false}},
	{"邮电家属院", cases.PublicForm, cases.Satisfied, "修得快，谢谢社区党员",
		caseIssue{cases.Appeal, "property", "{b}单元门禁损坏", "{b}单元门禁坏了，陌生人随意进出，居民担心安全。",
			"党员认领维修，更换门禁锁具和读卡器。", cases.VoluntaryClaim, nil, false, false}},
	{"站前花园", cases.TeaRoom, cases.BasicSatisfied, "暖和了，就是等的时间长了点",
		caseIssue{cases.Appeal, "property", "{b}暖气不热", "{b}顶层几户暖气不热，室温只有十四五度。",
			"联系物业和热力公司排气、调整阀门，室温升至20度以上。", cases.OtherMethod, nil, false, false}},
	{"站前花园", cases.TeaRoom, cases.Satisfied, "两家又能说上话了",
		caseIssue{cases.Appeal, "dispute", "{b}楼上漏水引发邻里纠纷", "{b}楼上卫生间漏水到楼下，两户多次争吵。",
			"书记茶话室组织两户面对面调解，楼上更换防水层，楼下墙面修复，双方和好。", cases.PairingHelp, nil, false, false}},
	{"站前花园", cases.GridReport, cases.Satisfied, "孩子们又能在小广场玩了",
		caseIssue{cases.Appeal, "other", "{c}小广场健身器材损坏", "{c}小广场健身器材螺丝松动、漆面脱落，有安全隐患。",
			"党员爱心认领，维修加固健身器材6件并重新刷漆。", cases.VoluntaryClaim, nil, false, false}},
	{"铁路家属院", cases.DoorToDoor, cases.Satisfied, "有党员陪着看病，心里踏实",
		caseIssue{cases.Appeal, "elder_care", "空巢老人{s}某某就医无人陪护", "{s}某某患慢性病需定期复查，老伴去世后无人陪同就医。",
			"联户党员结对帮扶，每月陪同就医复查，帮助办理慢性病门诊卡。", cases.PairingHelp, nil, true, false}},
	{"邮电家属院", cases.GridReport, cases.Satisfied, "",
		caseIssue{cases.Appeal, "greening", "{c}门前绿化带杂草丛生", "{c}门前绿化带杂草丛生，夏季蚊虫多。",
			"党员志愿服务队清除杂草、补种冬青，建立认领养护制度。", cases.VolunteerLabour, nil, false, false}},
	{"站前花园", cases.Hotline, cases.Satisfied, "路通了，进出方便多了",
		caseIssue{cases.Appeal, "road", "站前路公交站周边占道经营", "站前路公交站周边早晚有摊贩占道经营，行人只能走机动车道。",
			"报街道城市管理办，规划临时疏导点，摊贩入点经营，人行道恢复畅通。", cases.DeptHandling, []string{"城市管理办"}, false, false}},
}

// caseRoute is how a case reaches whoever solves it.
type caseRoute int

const (
	routeDispatch caseRoute = iota // the branch dispatches it to a person
	routeClaim                     // a party member claims it from the board
	routeEscalate                  // the branch hands it to a town department (交办)
)

// casePlacement is where a case's steps fall in time.
type casePlacement int

const (
	placeHistory casePlacement = iota // any time in the year, finished well before today
	placeRecent                       // finished in the last working days
	placeFresh                        // still open, within its time limit
	placeOverdue                      // still open, past its time limit, urged
)

// caseFate is how far a case got and what happened on the way.
type caseFate struct {
	end     cases.Status
	place   casePlacement
	rating  cases.Rating
	comment string
	unrated bool // closed without a rating: the resident could not be reached
	slow    bool // accepted after its response limit
	late    bool // resolved after its deadline, urged first
	rework  bool // the look-back failed once
	extend  bool // the department asked for more time and got it
	returns bool // the department gave it back; the branch dispatched it
	reopen  bool // rated dissatisfied and reopened
}

// caseSpec is one case to plan.
type caseSpec struct {
	b       *branch
	h       *household // the reporter's household (nil: an anonymous resident)
	rep     *person
	is      caseIssue
	channel cases.Channel
	urgency cases.Urgency
	fate    caseFate
	at      int // history: the submission's working day (-1: drawn)
	result  string
	claim   bool   // a party member claims it from the board, whatever the method
	anon    string // an anonymous reporter's surname
}

// casePlan is one case and its steps.
type casePlan struct {
	c     cases.Case
	nc    storage.NewCase
	steps []*caseStep
}

// caseStep is one step of a case: its time, what it does, and on whose behalf.
type caseStep struct {
	plan *casePlan
	n    int // order within its case
	off  int // working days after submission
	min  int // minute of the day, China time
	sec  int
	at   time.Time
	act  cases.Action // "" submits
	by   *person      // nil: the resident (rating) or no one in particular
	name string
	in   cases.Input
}

// caseFlow lays down a case's steps in working days after its submission.
type caseFlow struct {
	g        *caseGen
	p        *casePlan
	off, min int
	days     int // the category's time limit for the case's urgency
	dl       int // the deadline, in working days after submission
}

func (f *caseFlow) add(gap int, act cases.Action, by *person, in cases.Input) {
	r := f.g.r
	if gap > 0 || len(f.p.steps) == 0 {
		f.off += gap
		f.min = 8*60 + 30 + r.IntN(6*60)
	} else {
		f.min += 8 + r.IntN(50)
	}
	name := ""
	if by != nil {
		name = by.p.Name
	}
	f.p.steps = append(f.p.steps, &caseStep{plan: f.p, n: len(f.p.steps), off: f.off, min: f.min, sec: r.IntN(60),
		act: act, by: by, name: name, in: in})
}

// members returns the branch's party members (secretary and cadres among them).
func (g *caseGen) members(b *branch) []*person {
	if ms, ok := g.mems[b]; ok {
		return ms
	}
	var ms []*person
	for _, h := range b.households {
		for _, p := range h.members {
			if p.p.PartyMember {
				ms = append(ms, p)
			}
		}
	}
	g.mems[b] = ms
	return ms
}

func (g *caseGen) townCadre(b *branch) *person { return g.w.townCadres[b.unit.parent][0] }

func (g *caseGen) dept(b *branch, names []string) *unit {
	for _, n := range names {
		if d := g.depts[b.unit.parent][n]; d != nil {
			return d
		}
	}
	return nil
}

// committee returns one of the branch's cadres, the secretary if it has none.
func (g *caseGen) committee(b *branch) *person {
	if len(b.committee) == 0 {
		return b.secretary
	}
	return pick(g.r, b.committee)
}

// checker is who does the look-back: the grid's worker, else a cadre of the branch.
func (g *caseGen) checker(b *branch, h *household) *person {
	if h != nil {
		if p := b.gridWorker[h.grid]; p != nil {
			return p
		}
	}
	return g.committee(b)
}

// reporter picks a household of b (of compound cp, if given) and a resident in it fit to
// report is: an older one for an elder's matter.
func (g *caseGen) reporter(b *branch, cp string, is caseIssue) (*household, *person) {
	r := g.r
	var hs []*household
	for _, h := range b.households {
		if cp == "" || h.compound != nil && h.compound.c.Name == cp {
			hs = append(hs, h)
		}
	}
	lo, hi := 25, 75
	if is.elder {
		lo, hi = 66, 99
	}
	for range 200 {
		h := pick(r, hs)
		var fit []*person
		for _, p := range h.members {
			if p.age >= lo && p.age <= hi {
				fit = append(fit, p)
			}
		}
		if len(fit) > 0 {
			return h, pick(r, fit)
		}
	}
	h := pick(r, hs)
	return h, h.members[0]
}

// spec makes a case of issue is in b with a reporter, a channel and an urgency drawn.
func (g *caseGen) spec(b *branch, is caseIssue, f caseFate) *caseSpec {
	r := g.r
	s := &caseSpec{b: b, is: is, fate: f, at: -1, urgency: cases.Normal}
	s.channel = pick(r, []cases.Channel{cases.DoorToDoor, cases.DoorToDoor, cases.DoorToDoor, cases.TeaRoom, cases.TeaRoom,
		cases.GridReport, cases.GridReport, cases.GridReport, cases.Hotline, cases.PublicForm})
	if is.urgent && f.place != placeFresh {
		s.urgency = cases.Urgent
	}
	if s.channel != cases.PublicForm || r.IntN(2) == 0 {
		s.h, s.rep = g.reporter(b, "", is)
	} else {
		s.anon = pick(r, anonSurnames)
	}
	return s
}

// pickSpec makes a case of b from one of the issues in pool, avoiding a title the branch has
// already had, as the same building rarely brings the same problem twice in a year.
func (g *caseGen) pickSpec(b *branch, pool []caseIssue, f caseFate) *caseSpec {
	var s *caseSpec
	for range 10 {
		s = g.spec(b, pick(g.r, pool), f)
		if !g.titles[b][g.fill(s).Replace(s.is.title)] {
			break
		}
	}
	return s
}

// fill fills a spec's issue template with its place and reporter.
func (g *caseGen) fill(s *caseSpec) *strings.Replacer {
	b := s.b
	if h := s.h; h != nil {
		vars := []string{"{v}", b.unit.u.Name, "{s}", string([]rune(s.rep.p.Name)[:1]),
			"{g}", fmt.Sprintf("%d组", slices.Index(b.grids, h.grid)+1), "{b}", h.unit.u.Name}
		if h.compound != nil {
			vars = append(vars, "{c}", h.compound.c.Name)
		}
		return strings.NewReplacer(vars...)
	}
	return strings.NewReplacer("{v}", b.unit.u.Name, "{s}", s.anon, "{g}", "", "{b}", b.unit.u.Name, "{c}", b.unit.u.Name)
}

// issues returns the templates that suit b; with dept, only those b's town can escalate.
func (g *caseGen) issues(b *branch, dept bool) []caseIssue {
	all := ruralIssues
	if b.unit.u.Kind == org.Community {
		all = urbanIssues
	}
	if !dept {
		return all
	}
	var out []caseIssue
	for _, is := range all {
		if is.method == cases.DeptHandling && g.dept(b, is.depts) != nil {
			out = append(out, is)
		}
	}
	return out
}

var (
	satisfiedComments = []string{"处理及时，非常满意", "党员上门服务，态度很好", "问题解决了，感谢社区", "说到做到，给村里点赞", "", "", ""}
	basicComments     = []string{"基本解决，希望后续保持", "处理时间稍长", "解决了，但还要再看看效果", ""}
	poorComments      = []string{"处理不彻底，问题反复", "等了太久才有人来", "和预期差距较大"}
	anonSurnames      = []string{"王", "李", "张", "刘", "陈", "杨", "赵", "孙", "马", "郭"}
)

// rate draws a resident's rating: mostly satisfied, a few dissatisfied.
func (g *caseGen) rate(f *caseFate) {
	if f.rating != "" {
		return
	}
	switch x := g.r.IntN(100); {
	case x < 86:
		f.rating = cases.Satisfied
	case x < 97:
		f.rating = cases.BasicSatisfied
	default:
		f.rating = cases.Dissatisfied
	}
}

// plan lays down a case's steps from its spec and places them in time.
func (g *caseGen) plan(s *caseSpec) {
	r := g.r
	b, is, fa := s.b, s.is, s.fate
	sec := b.secretary
	p := &casePlan{}
	c := &p.c
	c.UnitID, c.List, c.CategoryID, c.Urgency, c.Channel = b.unit.u.ID, is.list, g.cats[is.cat].ID, s.urgency, s.channel
	if h := s.h; h != nil {
		c.UnitID, c.Address = h.grid.u.ID, h.h.Address
		c.ReporterPersonID, c.ReporterHouseholdID = s.rep.p.ID, h.h.ID
	} else {
		c.ReporterName = s.anon + pick(r, []string{"女士", "先生"})
	}
	fill := g.fill(s)
	c.Title, c.Description = fill.Replace(is.title), fill.Replace(is.desc)
	if g.titles[b] == nil {
		g.titles[b] = map[string]bool{}
	}
	g.titles[b][c.Title] = true
	result := fill.Replace(is.result)
	if s.result != "" {
		result = s.result
	}

	f := &caseFlow{g: g, p: p}
	f.days = g.cats[is.cat].Days(s.urgency)
	f.dl = f.days
	var entered *person
	switch s.channel {
	case cases.TeaRoom, cases.Hotline:
		entered = sec
	case cases.DoorToDoor:
		if entered = g.links[s.h]; entered == nil {
			entered = g.committee(b)
		}
	case cases.GridReport:
		entered = g.checker(b, s.h)
	}
	p.nc.ActorName = "resident"
	if entered != nil {
		p.nc.ActorName = entered.p.Name
	}
	f.add(0, "", entered, cases.Input{})
	defer g.place(s, f)
	if fa.end == cases.Submitted {
		return
	}
	gap := r.IntN(2)
	if fa.slow {
		gap = 2 + r.IntN(2)
	}
	if fa.end == cases.Rejected {
		f.add(gap, cases.Reject, sec, cases.Input{Reason: pick(r, []string{
			"经核实，与本月已受理的同一事项重复，并入原工单办理。",
			"该事项属于司法诉讼程序，已告知当事人依法向人民法院起诉。",
			"经现场核实，反映的问题已由产权单位自行处理完毕。",
		})})
		return
	}
	f.add(gap, cases.Accept, sec, cases.Input{})
	if fa.end == cases.Accepted {
		return
	}

	method := is.method
	rt := routeDispatch
	var dept *unit
	switch {
	case method == cases.VoluntaryClaim, s.claim && method != cases.DeptHandling:
		rt = routeClaim
	case method == cases.DeptHandling:
		if dept = g.dept(b, is.depts); dept != nil {
			rt = routeEscalate
		} else {
			method = cases.OtherMethod
		}
	}
	var handler *person
	switch {
	case rt == routeClaim:
		handler = pick(r, g.members(b))
		f.add(r.IntN(2), cases.Claim, handler, cases.Input{})
	case rt == routeEscalate:
		f.add(r.IntN(2), cases.Escalate, sec, cases.Input{DepartmentID: dept.u.ID,
			Reason: "超出村（社区）办理能力，反馈镇（街道）交办" + dept.u.Name + "办理。"})
		handler = g.w.deptStaff[dept][0]
		if fa.returns {
			f.add(1, cases.Return, handler, cases.Input{Reason: "经了解属家庭内部矛盾，宜由村调委会先行调解，退回村里办理。"})
			handler, method = g.committee(b), cases.PairingHelp
			f.add(r.IntN(2), cases.Dispatch, sec, cases.Input{AssigneeKind: cases.ToPerson, AssigneeID: handler.p.ID})
		}
	default:
		switch method {
		case cases.PairingHelp:
			handler = g.links[s.h]
		case cases.VolunteerLabour:
			handler = pick(r, g.members(b))
		}
		if handler == nil {
			handler = g.committee(b)
		}
		f.add(0, cases.Dispatch, sec, cases.Input{AssigneeKind: cases.ToPerson, AssigneeID: handler.p.ID})
	}
	if fa.end == cases.Dispatched {
		return
	}
	f.add(r.IntN(2), cases.Start, handler, cases.Input{})
	if fa.extend {
		f.add(1+r.IntN(2), cases.RequestExtension, handler, cases.Input{Days: 5, Reason: "需采购材料、协调施工队伍，申请延期5个工作日。"})
		f.add(r.IntN(2), cases.ApproveExtension, g.townCadre(b), cases.Input{})
		f.dl += 5
	}
	if fa.end == cases.InProgress && !fa.reopen {
		return
	}
	resolve := cases.Input{Method: method, Result: result}
	if fa.late {
		f.add(max(0, f.dl+1-f.off), cases.Urge, g.townCadre(b), cases.Input{Note: "已超过办理时限，请抓紧办结并反馈。"})
		f.add(r.IntN(3), cases.Resolve, handler, resolve)
	} else {
		gap := 0
		if room := f.dl - f.off; room > 0 {
			gap = r.IntN(min(room, 4) + 1)
		}
		f.add(gap, cases.Resolve, handler, resolve)
	}
	if fa.end == cases.Resolved {
		return
	}
	checker := g.checker(b, s.h)
	if fa.rework {
		f.add(1, cases.CheckFail, checker, cases.Input{Reason: "回头看发现问题未彻底解决，群众仍有意见，需返工。"})
		f.dl = f.off + f.days
		f.add(1+r.IntN(2), cases.Resolve, handler, cases.Input{Method: method, Result: result + "（返工后复查合格）"})
	}
	f.add(1+r.IntN(2), cases.CheckPass, checker, cases.Input{Note: "回头看：问题已解决，群众认可。"})
	if fa.end == cases.Checked {
		return
	}
	if !fa.unrated {
		g.rate(&fa)
		comment := fa.comment
		if comment == "" {
			switch fa.rating {
			case cases.Satisfied:
				comment = pick(r, satisfiedComments)
			case cases.BasicSatisfied:
				comment = pick(r, basicComments)
			default:
				comment = pick(r, poorComments)
			}
		}
		f.add(r.IntN(2), cases.Rate, nil, cases.Input{Rating: fa.rating, Note: comment, Reopen: fa.reopen})
		if fa.reopen {
			f.dl = f.off + f.days
			return
		}
		if fa.end == cases.Rated {
			return
		}
	}
	f.add(r.IntN(3), cases.Close, sec, cases.Input{})
}

// place chooses the working day a case was submitted on, for its placement, and stamps its
// steps. An open case past its deadline is urged (督办) by the town, which marks it overdue.
func (g *caseGen) place(s *caseSpec, f *caseFlow) {
	r := g.r
	last := f.off
	var i int
	switch s.fate.place {
	case placeHistory:
		i = s.at
		if i < 0 {
			i = r.IntN(max(1, g.last-last-4))
		}
	case placeRecent:
		i = g.last - last - r.IntN(6)
	case placeFresh:
		x := 0
		if room := f.dl - last - 1; room > 0 {
			x = r.IntN(min(room, 3) + 1)
		}
		i = g.last - last - x
	case placeOverdue:
		i = g.last - f.dl - 1 - r.IntN(12)
	}
	i = max(0, min(i, g.last-last))
	open := s.fate.end == cases.Submitted || s.fate.end == cases.Accepted || s.fate.end == cases.Dispatched ||
		s.fate.end == cases.InProgress || s.fate.reopen
	if open && i+f.dl <= g.last {
		u := max(i+f.dl+1, i+last)
		if u > g.last {
			i -= u - g.last
			u = g.last
		}
		f.add(u-i-f.off, cases.Urge, g.townCadre(s.b), cases.Input{Note: "已超过办理时限，请说明原因并限期办结。"})
	}
	for _, st := range f.p.steps {
		d := g.wd[i+st.off]
		st.at = time.Date(d.Year(), d.Month(), d.Day(), st.min/60, st.min%60, st.sec, 0, chinaTime).UTC()
	}
	g.plans = append(g.plans, f.p)
}

var chinaTime = time.FixedZone("CST", 8*3600)

// zhanqian plans 站前社区's 14 appeals: all resolved, checked, rated and closed, spread over
// the year, handled by its members and cadres.
func (g *caseGen) zhanqian() {
	b := g.w.zq
	span := g.last - 30
	for k, z := range zqSpecs {
		s := &caseSpec{b: b, is: z.caseIssue, channel: z.channel, urgency: cases.Normal,
			fate: caseFate{end: cases.Closed, place: placeHistory, rating: z.rating, comment: z.comment},
			at:   k*span/len(zqSpecs) + g.r.IntN(max(1, span/len(zqSpecs)-2))}
		if z.urgent {
			s.urgency = cases.Urgent
		}
		s.h, s.rep = g.reporter(b, z.compound, z.caseIssue)
		if z.channel == cases.GridReport {
			// The grid account's own grid reports these.
			s.h, s.rep = g.reporterIn(b, b.grids[0], z.compound, z.caseIssue)
		}
		g.plan(s)
	}
}

// reporterIn is reporter limited to one grid (falling back to the whole branch).
func (g *caseGen) reporterIn(b *branch, grid *unit, cp string, is caseIssue) (*household, *person) {
	for range 50 {
		h, p := g.reporter(b, cp, is)
		if h.grid == grid {
			return h, p
		}
	}
	return g.reporter(b, cp, is)
}

// luhe plans 鲁河镇's 390 solved issues across its 47 villages, on all four lists, most of them
// claimed or handled by party members, most closed and rated; and a few still open.
func (g *caseGen) luhe() {
	r := g.r
	var vs []*branch
	for _, b := range g.w.branches {
		if b.unit.parent == g.w.luhe {
			vs = append(vs, b)
		}
	}
	// Villages with more households bring more issues.
	weights := make([]float64, len(vs))
	var sum float64
	for i, b := range vs {
		weights[i] = float64(len(b.households)) * (0.6 + 0.8*r.Float64())
		sum += weights[i]
	}
	counts := make([]int, len(vs))
	type rest struct {
		i int
		f float64
	}
	var rests []rest
	n := 0
	for i, wt := range weights {
		x := luheSolved * wt / sum
		counts[i] = int(x)
		n += counts[i]
		rests = append(rests, rest{i, x - float64(counts[i])})
	}
	slices.SortStableFunc(rests, func(a, b rest) int { return cmp.Compare(b.f, a.f) })
	for k := 0; n < luheSolved; k++ {
		counts[rests[k].i]++
		n++
	}
	// Where the 390 stand: mostly closed, the latest still being checked and rated.
	ends := make([]cases.Status, 0, luheSolved)
	for st, k := range map[cases.Status]int{cases.Resolved: 10, cases.Checked: 12, cases.Rated: 14} {
		for range k {
			ends = append(ends, st)
		}
	}
	slices.Sort(ends) // map order is random; the shuffle below is seeded
	for len(ends) < luheSolved {
		ends = append(ends, cases.Closed)
	}
	r.Shuffle(len(ends), func(i, j int) { ends[i], ends[j] = ends[j], ends[i] })
	// Issues on all four lists: appeals most often.
	lists := map[cases.List][]caseIssue{}
	for _, is := range ruralIssues {
		lists[is.list] = append(lists[is.list], is)
	}
	k := 0
	for vi, b := range vs {
		for range counts[vi] {
			var l cases.List
			switch x := r.IntN(100); {
			case x < 50:
				l = cases.Appeal
			case x < 72:
				l = cases.Livelihood
			case x < 86:
				l = cases.PainPoint
			default:
				l = cases.Employment
			}
			f := caseFate{end: ends[k], place: placeHistory}
			k++
			if f.end != cases.Closed {
				f.place = placeRecent
			}
			x := r.IntN(100)
			f.late = x < 6
			f.rework = x >= 97
			f.slow = r.IntN(100) < 3
			f.unrated = f.end == cases.Closed && r.IntN(100) < 2
			s := g.pickSpec(b, lists[l], f)
			s.fate.extend = s.is.method == cases.DeptHandling && r.IntN(100) < 30
			// 鲁河镇's members take most work on themselves from the claim board.
			s.claim = r.IntN(100) < 55
			g.plan(s)
		}
	}
	// Still open: new, waiting for a claim, with their handlers, at departments; some overdue.
	open := []caseFate{
		{end: cases.Submitted, place: placeFresh}, {end: cases.Submitted, place: placeFresh}, {end: cases.Submitted, place: placeOverdue},
		{end: cases.Accepted, place: placeFresh}, {end: cases.Accepted, place: placeFresh}, {end: cases.Accepted, place: placeOverdue},
		{end: cases.Dispatched, place: placeFresh}, {end: cases.Dispatched, place: placeFresh}, {end: cases.Dispatched, place: placeOverdue},
		{end: cases.InProgress, place: placeFresh}, {end: cases.InProgress, place: placeFresh}, {end: cases.InProgress, place: placeOverdue},
	}
	for _, f := range open {
		b := pick(r, vs)
		g.plan(g.pickSpec(b, g.issues(b, false), f))
	}
	for _, f := range []caseFate{{end: cases.InProgress, place: placeFresh, extend: true}, {end: cases.InProgress, place: placeOverdue}} {
		b := pick(r, vs)
		g.plan(g.pickSpec(b, g.issues(b, true), f))
	}
	for range 2 {
		b := pick(r, vs)
		g.plan(g.pickSpec(b, g.issues(b, false), caseFate{end: cases.Rejected, place: placeHistory}))
	}
}

// kaixi plans 开西社区's cases: a year's closed ones and plenty of open work in every state,
// some overdue, one at a department, one reopened by a dissatisfied resident.
func (g *caseGen) kaixi() {
	b := g.w.kx
	fates := []caseFate{
		{end: cases.Closed}, {end: cases.Closed}, {end: cases.Closed}, {end: cases.Closed, late: true},
		{end: cases.Closed, rating: cases.Dissatisfied}, {end: cases.Closed, rating: cases.BasicSatisfied},
		{end: cases.Rated, place: placeRecent}, {end: cases.Checked, place: placeRecent}, {end: cases.Resolved, place: placeRecent},
		{end: cases.Rejected},
		{end: cases.Submitted, place: placeFresh}, {end: cases.Submitted, place: placeFresh},
		{end: cases.Accepted, place: placeFresh}, {end: cases.Accepted, place: placeFresh}, {end: cases.Accepted, place: placeOverdue},
		{end: cases.Dispatched, place: placeFresh}, {end: cases.Dispatched, place: placeOverdue},
		{end: cases.InProgress, place: placeFresh}, {end: cases.InProgress, place: placeOverdue},
		{end: cases.InProgress, place: placeFresh, rating: cases.Dissatisfied, comment: "楼道还是返味，问题没有根本解决", reopen: true},
	}
	for _, f := range fates {
		pool := g.issues(b, false)
		if f.reopen {
			pool = urbanIssues[2:3] // the blocked drain
		}
		g.plan(g.pickSpec(b, pool, f))
	}
	for _, f := range []caseFate{{end: cases.InProgress, place: placeOverdue}, {end: cases.Closed, extend: true}} {
		g.plan(g.pickSpec(b, g.issues(b, true), f))
	}
}

// sunkouJustice plans the disputes 孙口镇's villages hand to the town's justice office (the
// department account's inbox): mediated and closed, one given back, two still open.
func (g *caseGen) sunkouJustice() {
	r := g.r
	var vs []*branch
	for _, b := range g.w.branches {
		if b.unit.parent == g.w.sunkou {
			vs = append(vs, b)
		}
	}
	disputes := []caseIssue{
		{cases.Appeal, "dispute", "{v}{g}土地承包经营权纠纷", "两户因承包地地界和流转费用发生纠纷，村里调解未果。",
			"司法所组织双方现场勘界，依据承包合同调解，双方签订协议。", cases.DeptHandling, []string{"司法所"}, false, false},
		{cases.Appeal, "dispute", "{v}{g}老人赡养纠纷", "{s}某某年过七旬，几个子女对赡养费用分担有争议。",
			"司法所联合村调委会调解，子女签订赡养协议，按月支付赡养费。", cases.DeptHandling, []string{"司法所"}, true, false},
		{cases.Appeal, "dispute", "{v}{g}宅基地边界纠纷", "两户因宅基地边界发生争执，村里多次协商未果。",
			"司法所实地测量，依据宅基地证调解，双方签订调解协议。", cases.DeptHandling, []string{"司法所"}, false, false},
	}
	fates := []caseFate{
		{end: cases.Closed}, {end: cases.Closed}, {end: cases.Closed}, {end: cases.Closed, extend: true},
		{end: cases.Closed, late: true}, {end: cases.Rated, place: placeRecent},
		{end: cases.Dispatched, place: placeFresh}, {end: cases.InProgress, place: placeOverdue},
	}
	for _, f := range fates {
		b := pick(r, vs)
		g.plan(g.pickSpec(b, disputes, f))
	}
	b := pick(r, vs)
	s := g.pickSpec(b, disputes[1:2], caseFate{end: cases.Closed, returns: true})
	s.result = "司法所退回后，村调委会和联户党员上门调解，子女签订赡养协议。"
	g.plan(s)
}

// spread plans n cases of a branch elsewhere: most closed, the rest in every state.
func (g *caseGen) spread(b *branch, n int) {
	r := g.r
	for range n {
		var f caseFate
		switch x := r.IntN(100); {
		case x < 55:
			f = caseFate{end: cases.Closed}
		case x < 59:
			f = caseFate{end: cases.Rated, place: placeRecent}
		case x < 63:
			f = caseFate{end: cases.Checked, place: placeRecent}
		case x < 67:
			f = caseFate{end: cases.Resolved, place: placeRecent}
		case x < 69:
			f = caseFate{end: cases.Rejected}
		case x < 74:
			f = caseFate{end: cases.Submitted}
		case x < 79:
			f = caseFate{end: cases.Accepted}
		case x < 86:
			f = caseFate{end: cases.Dispatched}
		default:
			f = caseFate{end: cases.InProgress}
		}
		switch f.end {
		case cases.Submitted, cases.Accepted, cases.Dispatched, cases.InProgress:
			f.place = placeFresh
			if r.IntN(100) < 40 {
				f.place = placeOverdue
			}
		case cases.Closed:
			x := r.IntN(100)
			f.late, f.rework, f.slow = x < 7, x >= 98, r.IntN(100) < 4
			f.unrated = r.IntN(100) < 3
		}
		s := g.pickSpec(b, g.issues(b, false), f)
		s.fate.extend = s.is.method == cases.DeptHandling && r.IntN(100) < 30
		g.plan(s)
	}
}

// write replays every planned step in time order in one batch, so case numbers, timelines and
// the audit log run in the order things happened.
func (g *caseGen) write(ctx context.Context, db *storage.DB) error {
	var steps []*caseStep
	for _, p := range g.plans {
		steps = append(steps, p.steps...)
	}
	order := map[*casePlan]int{}
	for i, p := range g.plans {
		order[p] = i
	}
	slices.SortStableFunc(steps, func(a, b *caseStep) int {
		return cmp.Or(a.at.Compare(b.at), cmp.Compare(order[a.plan], order[b.plan]), cmp.Compare(a.n, b.n))
	})
	return db.CaseBatch(ctx, storage.System, func(bt *storage.CaseBatch) error {
		for _, st := range steps {
			p := st.plan
			if st.act == "" {
				if err := bt.CreateCase(st.at, &p.c, p.nc); err != nil {
					return fmt.Errorf("demo case %q: %w", p.c.Title, err)
				}
				continue
			}
			a := storage.System
			if st.by != nil {
				// The platform replays the step on the person's behalf.
				a = storage.Actor{P: &authz.Principal{Username: "system", System: true, PersonID: st.by.p.ID}}
			}
			if _, err := bt.Act(st.at, a, st.name, p.c.ID, st.act, st.in); err != nil {
				return fmt.Errorf("demo case %s %q: %s: %w", p.c.Number, p.c.Title, st.act, err)
			}
		}
		return nil
	})
}
