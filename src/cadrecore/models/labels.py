"""Chinese column names of model fields: the one glossary that loaders, exporters and docs share.

A field may be written under its English name or the Chinese label here, in any file.
"""

from __future__ import annotations

ZH_LABELS: dict[str, str | tuple[str, ...]] = {
    # identity and common
    "id": "编号",
    "name": ("名称", "姓名"),
    "kind": "类型",
    "level": "层级",
    "parent_id": "上级编号",
    "unit_id": "单位编号",
    "owner_unit_id": "责任单位编号",
    "year": "年度",
    "date": "日期",
    "title": "标题",
    "note": "备注",
    "source": "来源",
    "synthetic": "虚构数据",
    "established": "设立日期",
    "abolished": "撤销日期",
    "effective_from": "起始日期",
    "effective_to": "截止日期",
    "start": "开始日期",
    "end": "结束日期",
    "approved": "核定数",
    # staffing
    "tier": "职级层次",
    "grade": "正副职",
    "establishment_kind": "编制类型",
    "staff_id": "工作人员编号",
    "promotion": "提拔",
    "post": "职务",
    # cadres
    "gender": "性别",
    "birth_date": "出生日期",
    "national_id": "身份证号",
    "phone": "联系电话",
    "joined_work": "参加工作时间",
    "retirement_kind": "离退休类型",
    "retirement_date": "离退休时间",
    "revolution_period": "革命时期",
    "former_unit": "原工作单位",
    "former_rank": "原职级",
    "former_field": "原从事领域",
    "party_status": "党员身份",
    "party_joined": "入党时间",
    "county_id": "所在县区编号",
    "township": "乡镇街道",
    "community": "社区村",
    "residence_kind": "居住地类型",
    "address": "住址",
    "interests": "兴趣爱好",
    "living_away": "异地居住",
    "away_since": "异地居住起始",
    "health_exempt": "因病免于参加",
    "exemption_reason": "免参原因",
    "deceased": "去世日期",
    "ethnicity": "民族",
    "joined_revolution": "参加革命工作时间",
    "treatment_level": "享受待遇",
    "other_party": "民主党派",
    "health": "健康状况",
    # party organizations
    "org_id": "党组织编号",
    "branch_type": "支部类型",
    "tie": "组建纽带",
    "secretary_id": "书记编号",
    "deputy_secretary_id": "副书记编号",
    "committee_ids": "支委编号",
    "committee_elected": "换届日期",
    "venue": "活动场所",
    "venue_standardized_year": "场所标准化年度",
    "demonstration_year": "示范点年度",
    "formed": "成立日期",
    "covers_unit_ids": "联合单位编号",
    "cadre_id": "老干部编号",
    "branch_id": "支部编号",
    "since": "加入日期",
    "until": "退出日期",
    # activities
    "activity_kind": "活动类型",
    "attendee_ids": "参加人员编号",
    "headcount": "参加人数",
    "leaders": "出席领导",
    "evidence": "佐证材料",
    "theme_id": "主题编号",
    "group_id": "党小组编号",
    # party groups
    "group_leader_id": "组长编号",
    "member_ids": "党小组成员编号",
    # branch assessments (示范党支部, "六好")
    "assessed": "评定日期",
    "assessor_unit_id": "评定单位编号",
    "good_organization": "组织设置好",
    "good_leadership": "班子建设好",
    "good_members": "党员队伍好",
    "good_study": "学习活动好",
    "good_role": "作用发挥好",
    "good_rules": "制度落实好",
    # party dues (党费) and hardship reductions
    "month": "月份",
    "paid_yuan": ("实交党费（元）", "实交金额"),
    "pension_base_yuan": ("计算基数（元）", "交纳基数"),
    "paid_on": "交纳日期",
    "from_month": "起始月份",
    "to_month": "截止月份",
    "reduced_to_yuan": "减交后每月党费（元）",
    "exempt": "免交",
    "decided_on": "支部决定日期",
    "decision_ref": "支部决定文号",
    # checklists, plans
    "items": "事项",
    "item": "事项",
    "due": "完成时限",
    "from_year": "起始年度",
    "to_year": "截止年度",
    "targets": "年度目标",
    "metric": "指标",
    "per_year": "每年目标",
    # programmes and projects
    "programme_id": "项目编号",
    "leader_id": "带头人编号",
    "field": "领域",
    "results": "成效",
    "value": "数值",
    "at_least": "以上",
    "unit": "单位",
    # services
    "service_type": "服务类型",
    "provider_unit_id": "服务单位编号",
    "state": "状态",
    "requested": "申请日期",
    "details": "详情",
    "record_id": "服务记录编号",
    "seq": "序号",
    "to_state": "变更为",
    "at": "时间",
    "actor": "经办人",
    "role": "角色",
    # opinions
    "raised_at_id": "提出场合编号",
    "raised": "提出日期",
    "raised_by": "提出人",
    "content": "内容",
    "category": "类别",
    "assigned_unit_id": "承办单位编号",
    "answered": "答复日期",
    "answer": "答复内容",
    "satisfied": "是否满意",
    # treatment
    "treatment_item": "待遇项目",
    "amount_yuan": "金额（元）",
    "standard_id": "标准编号",
    "applies_to_retirement_kind": "适用离退休类型",
    "applies_to_rank": "适用职级",
    "applies_to_unit_id": "适用单位编号",
    # parameter overrides and waivers
    "key": "参数",
    "rule": "规则",
    "subject_kind": "对象类别",
    "subject_id": "对象编号",
    "reason": "原因",
    "approved_by": "批准人",
    "appointment_basis": "任用依据",
    "part_of_parent": "占用上级编制",
    "rating": "评分",
    "delivered": "服务日期",
    # recognitions
    "recipient_unit_id": "获得单位编号",
    "recipient_cadre_id": "获得人编号",
}


#: A person's fields, where their Chinese name differs from a thing's (a cadre's name is 姓名).
PERSON_LABELS = {"name": "姓名"}


def zh_label(field: str, *, person: bool = False) -> str | None:
    """The Chinese column name written on export (the first of a field's Chinese names); of a
    person's field (``person``), the name a roster gives it (姓名, not 名称)."""
    if person and field in PERSON_LABELS:
        return PERSON_LABELS[field]
    label = ZH_LABELS.get(field)
    if isinstance(label, tuple):
        return label[0]
    return label


def zh_aliases(field: str) -> tuple[str, ...]:
    """Every Chinese name a field is accepted under."""
    label = ZH_LABELS.get(field)
    if label is None:
        return ()
    return label if isinstance(label, tuple) else (label,)
