import { html } from 'hono/html';
import type { CampaignFormErrors, CampaignFormValues } from '../campaign-form.js';
import { fieldErrors, layout, noticeOf, type Html } from './layout.js';

export const campaignList = (user: string, campaigns: { campaignId: string; name: string }[]): Html =>
  layout(
    { title: '帮困送温暖活动', user },
    html`<p><a class="button" href="/campaigns/new">新建活动</a></p>
${campaigns.length
    ? html`<table><tr><th>活动名称</th></tr>${campaigns.map((c) => html`<tr><td><a href="/campaigns/${c.campaignId}">${c.name}</a></td></tr>`)}</table>`
    : html`<p class="muted">还没有活动。</p>`}`,
  );

const EMPTY: CampaignFormValues = { name: '', units: '', categories: '', projects: '', exclusivePairs: '', approvers: '', callbackStaff: '' };

export function campaignForm(user: string, values: CampaignFormValues = EMPTY, errors: CampaignFormErrors = {}, notice?: string): Html {
  const area = (field: keyof CampaignFormValues, label: string, hint: string, placeholder: string) => html`
<label for="${field}">${label}</label>
<p class="hint">${hint}</p>
<textarea id="${field}" name="${field}" placeholder="${placeholder}">${values[field]}</textarea>
${fieldErrors(errors[field])}`;
  const failed = Object.values(errors).some((e) => e?.length);
  return layout(
    { title: '新建帮困送温暖活动', user },
    html`${noticeOf(notice)}
${failed ? html`<p class="errors">表单中有需要修改的内容，请查看下方标红的提示。</p>` : ''}
<form method="post" action="/campaigns" class="box">
<label for="name">活动名称</label>
<input type="text" id="name" name="name" value="${values.name}" placeholder="例如：2025年元旦春节帮困送温暖">
${fieldErrors(errors.name)}
${area('units', '参与单位', '每行一个：区级部门、街镇等。', '区民政局\n莘庄镇')}
${area('categories', '帮困类别', '每行一个。', '低保家庭\n低收入困难家庭')}
${area('projects', '帮困项目', '每行一个，格式：编码,名称,每人金额(元)。编码由字母、数字、- 和 _ 组成。', 'MZ01,春节帮困慰问金,500')}
${area('exclusivePairs', '互斥项目（选填）', '每行一对互斥的项目编码，格式：编码A,编码B。同一人不能同时享受互斥的两个项目；未列出的项目组合均可兼得。', 'MZ01,MZ02')}
${area('approvers', '审批人邮箱', '每行一个，按审批顺序排列：第一行为第一级审批。', 'leader@example.gov.cn')}
${area('callbackStaff', '回访人员邮箱', '每行一个；回访阶段随机抽取的名单默认平均分配给他们，也可在「回访设置」中按单位分配。', 'staff@example.gov.cn')}
<p><button type="submit">创建活动并启动工作流</button></p>
</form>`,
  );
}
