/** The working-day calendar page (zh-CN). `calendar.en.ts` mirrors the keys. */
export const calendarZhCN = {
  calendar: {
    title: "工作日历",
    intro:
      "银行答复申请的期限按工作日计算：周一至周五为工作日，周六、周日休息，下表列出的法定节假日和调休上班日除外。国务院办公厅公布次年节假日安排后，请在此录入。",
    yearLabel: "年份",
    yearSummary: "{{year}} 年：节假日 {{holidays}} 天，调休上班 {{workdays}} 天，全年工作日 {{working}} 天。",
    legendLabel: "图例",
    legend: { holiday: "节假日", workday: "调休上班", weekend: "周末", today: "今天" },
    kinds: { HOLIDAY: "节假日（休息）", WORKDAY: "调休上班日" },
    kindTags: { HOLIDAY: "节假日", WORKDAY: "调休上班" },
    gridTitle: "{{year}} 年日历",
    weekdaysShort: { mon: "一", tue: "二", wed: "三", thu: "四", fri: "五", sat: "六", sun: "日" },
    dayLabel: "{{date}}，{{name}}",
    formTitle: "添加或修改日期",
    editTitle: "修改 {{date}}",
    formHelp: "日期已有设置时，保存将覆盖原设置。",
    fields: {
      date: "日期",
      kind: "类型",
      nameZh: "中文名称",
      nameEn: "英文名称",
    },
    dateHelp: "格式 YYYY-MM-DD。调休上班日应为周六或周日。",
    nameZhPlaceholder: "如：国庆节、国庆节调休上班",
    nameEnPlaceholder: "如：National Day",
    save: "保存",
    cancelEdit: "取消修改",
    listTitle: "{{year}} 年节假日与调休",
    empty: "{{year}} 年尚未录入节假日或调休上班日，目前按周一至周五计算工作日。",
    columns: { date: "日期", weekday: "星期", kind: "类型", name: "名称", actions: "操作" },
    edit: "修改",
    remove: "删除",
    removeConfirmTitle: "删除 {{date}} 的设置？",
    removeConfirm: "删除后该日按常规规则计算（周一至周五上班）。",
    savedNotice: "已保存 {{date}}。",
    unchangedNotice: "{{date}} 的设置没有变化。",
    removedNotice: "已删除 {{date}} 的设置，该日恢复常规规则。",
  },
};

/** Messages of the calendar's `calendar.*` error codes (merged under `errors.calendar`). */
export const calendarErrorsZhCN = {
  dateOutOfRange: "日期须在 {{min}} 年至 {{max}} 年之间",
  workdayNotWeekend: "周一至周五本就是工作日；调休上班日应为周六或周日",
  dayNotFound: "{{date}} 没有设置（可能已被他人删除），请刷新页面查看最新内容",
};
