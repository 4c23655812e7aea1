package gen

// Place names and case texts for the synthetic data. People and villages are named from the
// demo's pools (demo.Pools); what the demo does not need is here. Every name is generic or a
// real administrative division's; no generated person or case stands for a real one.

// cityCounties is Henan: its 17 prefecture-level cities (with their real two-digit codes) and
// their county-level divisions, by their real names. The county codes the generator gives are
// numbered in this order, not the official ones.
var cityCounties = []struct {
	code, name string
	counties   []string
}{
	{"01", "郑州市", []string{"中原区", "二七区", "管城回族区", "金水区", "上街区", "惠济区", "中牟县", "巩义市", "荥阳市", "新密市", "新郑市", "登封市"}},
	{"02", "开封市", []string{"龙亭区", "顺河回族区", "鼓楼区", "禹王台区", "祥符区", "杞县", "通许县", "尉氏县", "兰考县"}},
	{"03", "洛阳市", []string{"老城区", "西工区", "瀍河回族区", "涧西区", "偃师区", "孟津区", "洛龙区", "新安县", "栾川县", "嵩县", "汝阳县", "宜阳县", "洛宁县", "伊川县"}},
	{"04", "平顶山市", []string{"新华区", "卫东区", "石龙区", "湛河区", "宝丰县", "叶县", "鲁山县", "郏县", "舞钢市", "汝州市"}},
	{"05", "安阳市", []string{"文峰区", "北关区", "殷都区", "龙安区", "安阳县", "汤阴县", "滑县", "内黄县", "林州市"}},
	{"06", "鹤壁市", []string{"鹤山区", "山城区", "淇滨区", "浚县", "淇县"}},
	{"07", "新乡市", []string{"红旗区", "卫滨区", "凤泉区", "牧野区", "新乡县", "获嘉县", "原阳县", "延津县", "封丘县", "卫辉市", "辉县市", "长垣市"}},
	{"08", "焦作市", []string{"解放区", "中站区", "马村区", "山阳区", "修武县", "博爱县", "武陟县", "温县", "沁阳市", "孟州市"}},
	{"09", "濮阳市", []string{"华龙区", "清丰县", "南乐县", "范县", "台前县", "濮阳县"}},
	{"10", "许昌市", []string{"魏都区", "建安区", "鄢陵县", "襄城县", "禹州市", "长葛市"}},
	{"11", "漯河市", []string{"源汇区", "郾城区", "召陵区", "舞阳县", "临颍县"}},
	{"12", "三门峡市", []string{"湖滨区", "陕州区", "渑池县", "卢氏县", "义马市", "灵宝市"}},
	{"13", "南阳市", []string{"宛城区", "卧龙区", "南召县", "方城县", "西峡县", "镇平县", "内乡县", "淅川县", "社旗县", "唐河县", "新野县", "桐柏县", "邓州市"}},
	{"14", "商丘市", []string{"梁园区", "睢阳区", "民权县", "睢县", "宁陵县", "柘城县", "虞城县", "夏邑县", "永城市"}},
	{"15", "信阳市", []string{"浉河区", "平桥区", "罗山县", "光山县", "新县", "商城县", "固始县", "潢川县", "淮滨县", "息县"}},
	{"16", "周口市", []string{"川汇区", "淮阳区", "扶沟县", "西华县", "商水县", "沈丘县", "郸城县", "太康县", "鹿邑县", "项城市"}},
	{"17", "驻马店市", []string{"驿城区", "西平县", "上蔡县", "平舆县", "正阳县", "确山县", "泌阳县", "汝南县", "遂平县", "新蔡县"}},
}

// provinces are the province codes --append may use for a second tree beside a first, with names.
var provinces = []struct{ code, name string }{
	{"41", "河南省"}, {"42", "湖北省"}, {"43", "湖南省"}, {"37", "山东省"}, {"34", "安徽省"}, {"13", "河北省"},
	{"14", "山西省"}, {"61", "陕西省"}, {"32", "江苏省"}, {"36", "江西省"}, {"51", "四川省"}, {"44", "广东省"},
}

// cityStems name the cities of a province other than Henan (an --append tree).
var cityStems = []string{"东平", "西林", "南屏", "北川", "安平", "长宁", "永安", "兴华", "临江", "清源", "宁远", "丰城",
	"平川", "新城", "广平", "宜川", "泰和", "怀远", "昌乐", "建平"}

// townStems are two-character town names of the plain (the first town of a county is 城关).
var townStems = []string{"柳屯", "古城", "韩村", "六塔", "大屯", "纸房", "高堡", "仙庄", "巩营", "双庙", "阳邵", "马颊",
	"瓦岗", "庆祖", "鲁河", "徐镇", "白堤", "梁庄", "文留", "渠村", "海通", "子岸", "五星", "郎中", "胡状", "习城", "梨园",
	"柳格", "王助", "固城", "千口", "杨村", "寺庄", "孙口", "夹河", "吴坝", "侯庙", "马楼", "陈庄", "樊相", "魏庄", "芦岗",
	"孟岗", "丁栾", "恼里", "赵堤", "常村", "蒲东", "方里", "满村", "张庄", "黄河", "城南", "城北", "东关", "西关", "长城",
	"固县", "桑村", "朱集", "李集", "王庄", "刘庄", "辛庄", "范集", "贾寨", "石桥", "新集", "白庙", "龙王", "七里", "八里",
	"黄庄", "岗李", "沙河", "清河", "洪庙", "金堤", "桃园", "杏园", "榆林", "槐店", "董寨", "曹集", "申庄", "尚庄",
	"郭村", "宋集", "田庄", "姚庄", "范庄", "许营", "程楼", "冯庄", "苏堂", "岳村", "任丘", "常庄", "于庄", "毛寨"}

// streetStems name the sub-districts (街道) of a city district.
var streetStems = []string{"建设", "人民", "胜利", "解放", "和平", "幸福", "光明", "新华", "东风", "朝阳", "文化", "育才",
	"振兴", "长青", "花园", "锦绣", "中原", "黄河路", "大庆路", "长庆", "东城", "西城", "南关", "北关", "迎宾", "龙湖",
	"开发区", "站前", "高新", "金桥"}

// communityStems name communities (社区).
var communityStems = []string{"站前", "开西", "康居", "濮水苑", "明珠", "建设", "人民", "胜利", "解放", "和平", "幸福",
	"光明", "新华", "东风", "朝阳", "文化", "育才", "振兴", "长青", "花园", "锦绣", "阳光", "金堤", "龙湖", "翠园", "书香",
	"滨河", "御景", "世纪", "新城", "春晖", "康宁", "永安", "中心", "东关", "西关", "南街", "北街", "工人村", "铁路"}

// compoundSuffixes and compoundStems name residential compounds (小区).
var (
	compoundStems    = []string{"阳光", "锦绣", "金桥", "翠苑", "幸福", "和谐", "康乐", "安居", "华苑", "丽景", "滨河", "御园", "绿城", "书香", "春天", "名门"}
	compoundSuffixes = []string{"小区", "家园", "花园", "苑", "新村", "公寓"}
)

// departmentNames are the town departments and stations (镇直部门/站所).
var departmentNames = []string{"党政办", "党建办", "城建办", "农业农村办", "社会事务办", "综治中心", "应急管理办", "派出所",
	"司法所", "财政所", "市场监管所", "自然资源所", "供电所", "卫生院", "文化站", "环保所"}

// deptFor is the department a category's escalations usually go to.
var deptFor = map[string][]string{
	"road": {"城建办"}, "lighting": {"城建办", "供电所"}, "sanitation": {"环保所", "城建办"}, "water": {"城建办"},
	"greening": {"城建办", "自然资源所"}, "property": {"城建办"}, "dispute": {"司法所", "综治中心", "派出所"},
	"elder_care": {"社会事务办"}, "livelihood": {"社会事务办", "党政办"}, "pain_point": {"党政办", "城建办"},
	"employment": {"社会事务办"}, "safety": {"应急管理办", "派出所"}, "environment": {"环保所", "农业农村办"},
	"fireworks": {"派出所", "应急管理办"},
}

// titles are case titles per category code; %s is a place.
var titles = map[string][]string{
	"road":        {"%s路面坑洼不平", "%s村道破损影响通行", "%s道路积水严重", "%s桥面护栏损坏", "%s路口缺少减速带", "%s背街小巷路面塌陷"},
	"lighting":    {"%s路灯不亮", "%s路灯损坏多日未修", "%s夜间照明不足", "%s路灯白天常亮"},
	"sanitation":  {"%s垃圾清运不及时", "%s垃圾桶满溢", "%s公厕卫生差", "%s污水横流", "%s卫生死角待清理"},
	"water":       {"%s自来水停水", "%s下水道堵塞", "%s雨后积水排不出", "%s水管破裂漏水", "%s水压不足"},
	"greening":    {"%s树木枝杈遮挡道路", "%s绿化带杂草丛生", "%s枯树存在倒伏隐患", "%s绿地被侵占种菜"},
	"property":    {"%s物业服务不到位", "%s电梯故障", "%s楼道堆放杂物", "%s小区门禁损坏", "%s车辆乱停乱放"},
	"dispute":     {"%s邻里宅基地纠纷", "%s噪音扰民", "%s漏水引发邻里矛盾", "%s宠物扰民"},
	"elder_care":  {"%s独居老人需要照护", "%s残疾人申请帮扶", "%s老人助餐服务需求", "%s高龄补贴咨询"},
	"livelihood":  {"%s希望增设健身器材", "%s申请安装路灯", "%s希望修建文化广场", "%s饮水安全提升"},
	"pain_point":  {"%s出行难问题", "%s停车难问题", "%s老旧小区改造诉求", "%s雨污分流改造"},
	"employment":  {"%s求职就业帮扶", "%s农民工工资拖欠", "%s技能培训需求", "%s返乡创业咨询"},
	"safety":      {"%s电动车楼道充电", "%s消防通道被占", "%s燃气管道老化", "%s私拉乱接电线"},
	"environment": {"%s柴草乱堆乱放", "%s房前屋后不整洁", "%s坑塘水面漂浮垃圾", "%s残垣断壁待清理", "%s畜禽粪污未处理"},
	"fireworks":   {"%s发现燃放烟花爆竹", "%s有售卖烟花爆竹行为", "%s禁燃禁放宣传不到位"},
	"other":       {"%s群众反映问题", "%s政策咨询"},
}

// descriptions frame a title as the report a cadre would type; %s is the title.
var descriptions = []string{"群众反映：%s，希望尽快处理。", "%s，已持续一段时间，影响周边群众生活。", "走访中发现%s，请安排人员处理。",
	"%s，群众多次反映。", "%s。", "居民来电：%s，请核实。"}

var results = []string{"已现场处理完毕", "已协调相关部门修复", "已组织党员志愿者清理", "已联系维修人员更换", "经调解双方达成一致",
	"已落实帮扶措施", "已纳入民生实事清单并完成", "已督促责任人整改到位", "已上门服务并回访"}

var (
	rejectReasons    = []string{"重复反映，已并入前案办理", "不属于本级职责范围，已告知反映人相关渠道", "经核实情况不属实"}
	escalateReasons  = []string{"需镇直部门协调解决", "涉及资金和审批，村级无法解决", "需专业力量处置"}
	returnReasons    = []string{"非本人职责，退回重新派单", "本人外出，无法按时办理"}
	checkFailReasons = []string{"回头看发现问题反弹", "整改不彻底，群众仍有意见"}
	extensionReasons = []string{"需等待材料到货", "天气原因无法施工", "涉及多方协调，需延长办理时间"}
	denyReasons      = []string{"理由不充分，请按期办结"}
	comments         = []string{"已电话联系反映人", "正在协调处理", "已现场查看"}
	ratingComments   = map[string][]string{
		"satisfied":       {"处理及时，非常满意", "感谢社区干部", "办事效率高", ""},
		"basic_satisfied": {"基本解决，希望再改进", "处理有点慢", ""},
		"dissatisfied":    {"问题没有彻底解决", "处理太慢", ""},
	}
)

// anonymousTitles are how a resident who gives no name is written down.
var anonymousTitles = []string{"先生", "女士"}
