/**
 * The errors a page may answer with. Only these (4xx) show their zh-CN message to the user;
 * anything else is a fault and gets the generic 500 page, its details kept out of the response.
 */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 410 | 413 | 429,
    /** The page title people read. */
    readonly title: string,
    message: string,
    /** Further zh-CN lines (for example the reasons a phase cannot start yet). */
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequest extends HttpError {
  constructor(message: string, details: readonly string[] = []) {
    super(400, '请求有误', message, details);
  }
}

export class Forbidden extends HttpError {
  constructor(message = '您没有权限进行此操作。', title = '无权访问') {
    super(403, title, message);
  }
}

export class NotFound extends HttpError {
  constructor(message = '您要找的页面不存在，或已被删除。') {
    super(404, '页面不存在', message);
  }
}

/** The request is understood but the campaign is not in a state that allows it. */
export class Conflict extends HttpError {
  constructor(message: string, details: readonly string[] = []) {
    super(409, '暂时不能进行此操作', message, details);
  }
}

/** The campaign is done and archived: nothing about it changes any more. */
export class Archived extends HttpError {
  constructor() {
    super(409, '活动已归档', '本活动已结束并归档，只读：不能再提交、修改或删除本活动的任何数据。页面和导出仍可查看。');
  }
}

export class Gone extends HttpError {
  constructor(message: string, title = '链接已过期') {
    super(410, title, message);
  }
}

export class TooLarge extends HttpError {
  constructor(message: string) {
    super(413, '文件过大', message);
  }
}

export class TooManyRequests extends HttpError {
  constructor(message: string) {
    super(429, '提交过于频繁', message);
  }
}
